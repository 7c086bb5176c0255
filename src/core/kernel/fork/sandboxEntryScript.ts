/**
 * The part of the fork server (forkServerScript.ts) that puts a sandboxed kernel into its sandbox, in Python:
 * a first child joins the kernel's cgroups and rlimits on the host and enters the namespaces of a process
 * bubblewrap made the sandbox for (sandbox/sandboxHolder.ts); the kernel it then forks starts inside all of
 * them, and drops what entering a user namespace granted it before any code of its user runs. Python's
 * standard library has no setns, capset or prctl: they are called through ctypes.
 */
// String.raw: the Python keeps its backslashes.
export const SANDBOX_ENTRY_PYTHON = String.raw`# Namespaces of a sandbox a kernel enters, in an order each step is allowed in: mount and the others are
# owned by the sandbox's outer user namespace, which is entered first; the sandbox's own (innermost) user
# namespace, which forbids further ones, last.
_SANDBOX_NAMESPACES = ('mnt', 'pid', 'net', 'ipc', 'uts', 'cgroup')
_NS_GET_PARENT = 0xB702
_PR_SET_CHILD_SUBREAPER = 36
_PR_CAPBSET_DROP = 24
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_PR_SET_NO_NEW_PRIVS = 38
_CAPABILITY_VERSION_3 = 0x20080522


def _libc():
    import ctypes
    return ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    import ctypes
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, '%s: %s' % (what, os.strerror(error)))


def _enter_sandbox(sandbox):
    """
    In a sandboxed kernel's first child, still on the host: join the kernel's cgroups (so that all it does is
    counted) and take its rlimits, then enter the namespaces of the sandbox's process. Its next child starts
    in all of them.
    """
    import fcntl, resource

    def step(what, action, *args):
        try:
            return action(*args)
        except OSError as error:
            raise OSError(error.errno, '%s: %s' % (what, error.strerror))

    for procs in sandbox.get('cgroupProcs', []):
        step('joining the cgroup ' + procs, _write_file, procs, str(os.getpid()))
    # No core files (they would land in the run directory); a runaway writer gets EFBIG, not the host's disk.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sandbox.get('fileSizeBytes'):
        resource.setrlimit(resource.RLIMIT_FSIZE, (sandbox['fileSizeBytes'], sandbox['fileSizeBytes']))
    try:
        os.setgroups([])
    except OSError:
        pass  # not privileged to: the groups stay ours, as under bubblewrap run by this user
    libc = _libc()
    folder = '/proc/%d/ns/' % sandbox['nsPid']
    own_user = os.stat('/proc/self/ns/user')
    inner_user = step('opening ' + folder + 'user', os.open, folder + 'user', os.O_RDONLY | os.O_CLOEXEC)
    if os.fstat(inner_user).st_ino == own_user.st_ino:
        raise OSError('process %d is in no sandbox of its own' % sandbox['nsPid'])
    steps = []
    outer_user = step('finding the parent of the user namespace of process %d' % sandbox['nsPid'], fcntl.ioctl, inner_user, _NS_GET_PARENT)
    if os.fstat(outer_user).st_ino != own_user.st_ino:
        steps.append(('user (outer)', outer_user))
    else:
        os.close(outer_user)
    steps += [(name, step('opening ' + folder + name, os.open, folder + name, os.O_RDONLY | os.O_CLOEXEC)) for name in _SANDBOX_NAMESPACES]
    steps.append(('user', inner_user))
    for name, fd in steps:
        _check(libc.setns(fd, 0), 'entering the sandbox\'s %s namespace' % name)
        os.close(fd)


def _write_file(path, text):
    with open(path, 'w') as file:
        file.write(text)


def _drop_privileges():
    """
    A sandboxed kernel, in its sandbox, before anything of its user runs: only its own descriptors (none of the
    server's, which may be the host's, nor the lifeline every kernel shares), no capabilities (entering a user
    namespace grants them all), none to gain again through exec.
    """
    import ctypes
    os.closerange(3, 1 << 20)
    libc = _libc()
    with open('/proc/sys/kernel/cap_last_cap') as file:
        last_cap = int(file.read())
    for cap in range(last_cap + 1):
        _check(libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0), 'dropping capability %d' % cap)
    _check(libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), 'clearing ambient capabilities')

    class Header(ctypes.Structure):
        _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]

    _check(libc.capset(ctypes.byref(Header(_CAPABILITY_VERSION_3, 0)), (Data * 2)()), 'dropping capabilities')
    _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 'setting no_new_privs')
`;
