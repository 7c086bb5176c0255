/**
 * The fork server, in Python: one long-lived process per Python environment that imports ipykernel (and the
 * libraries a first cell imports) once, then forks a child per kernel that becomes an ipykernel kernel with
 * its own connection file. Started with `python -c FORK_SERVER_SCRIPT --cellbridge-fork-server <config JSON>`
 * by forkServer.ts.
 *
 * Protocol: requests on stdin, one JSON object per line (`{id, args, cwd, stderr}`); messages on stdout, one
 * per line: `ready` (once, after the preloading), `forked` or `refused` (per request), `exited` (per child,
 * with its exit code or signal). fd 3 is the lifeline: its other end is held by the Node process alone, so
 * a child that reads end-of-file on it knows that process is gone, and kills its own process group.
 *
 * What the child does before it becomes a kernel, and why (each is a hazard of forking a warm interpreter):
 * - its own session and process group, stdin and stdout on /dev/null, stderr to a file Node reads, the
 *   signal mask and handlers as a new process has them;
 * - argv and sys.path as `python -m ipykernel_launcher` would have them;
 * - numpy's global random state reseeded (Python's `random` reseeds itself at fork);
 * - matplotlib's cached fonts dropped: their open files' offsets are shared with the server and every sibling;
 * - after IPKernelApp.initialize, pyplot switched to the backend ipykernel chose (the server drew with Agg)
 *   and matplotlib-inline's integration enabled: it hooks the shell when imported, and no shell existed then.
 * The server forks only while it has one thread, no ZeroMQ context and no running event loop; otherwise it
 * refuses, and Node spawns the kernel instead.
 */
// String.raw: the Python keeps its backslashes.
export const FORK_SERVER_SCRIPT = String.raw`import json, os, signal, sys, threading

# The message pipe is a copy of stdout; fd 1 itself goes to stderr, so that whatever an imported library
# prints cannot corrupt the protocol.
_messages = os.dup(1)
os.dup2(2, 1)
os.set_inheritable(_messages, False)
_config = json.loads(sys.argv[2])
_LIFELINE = 3
_children = set()


def _send(message):
    os.write(_messages, (json.dumps(message) + '\n').encode())


def _reap(*_):
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _children.discard(pid)
        code = os.waitstatus_to_exitcode(status)
        _send({'type': 'exited', 'pid': pid, 'code': code if code >= 0 else None, 'signal': -code if code < 0 else None})


def _unsafe_to_fork():
    if threading.active_count() != 1:
        return 'the server has %d threads' % threading.active_count()
    zmq = sys.modules.get('zmq')
    if zmq is not None and getattr(getattr(zmq, 'Context', None), '_instance', None) is not None:
        return 'the server has a ZeroMQ context'
    asyncio = sys.modules.get('asyncio')
    if asyncio is not None and asyncio.events._get_running_loop() is not None:
        return 'the server has a running event loop'
    return None


def _watch_lifeline():
    # The write end is held by the Node process that started the server, and only by it: end of file means it is gone.
    while True:
        try:
            if not os.read(_LIFELINE, 64):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    os.killpg(0, signal.SIGKILL)


def _become_kernel(request):
    import _thread
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    for number in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)
    try:
        os.setsid()
    except OSError:
        pass  # the server made it a group leader first (setpgid below): a group of its own either way
    os.close(_messages)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    err = os.open(request['stderr'], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600) if request.get('stderr') else null
    os.dup2(err, 2)
    for fd in {null, err}:
        if fd > 2:
            os.close(fd)
    os.chdir(request['cwd'])
    # A bare thread, not a threading.Thread: the user's threading.enumerate() shows only what a spawned kernel has.
    _thread.start_new_thread(_watch_lifeline, ())
    # What a spawned kernel would have: its argv, and no working directory at the head of sys.path (ipykernel_launcher removes it).
    sys.argv = [_config['launcherFile'], *request['args']]
    if sys.path and sys.path[0] in ('', os.getcwd()):
        del sys.path[0]
    numpy = sys.modules.get('numpy')
    if numpy is not None:
        numpy.random.seed()
    font_manager = sys.modules.get('matplotlib.font_manager')
    if font_manager is not None and hasattr(font_manager, '_get_font'):
        font_manager._get_font.cache_clear()
    from ipykernel.kernelapp import IPKernelApp
    app = IPKernelApp.instance()
    app.initialize(request['args'])
    pyplot = sys.modules.get('matplotlib.pyplot')
    backend = os.environ.get('MPLBACKEND', '')
    if pyplot is not None and backend in ('inline', 'module://matplotlib_inline.backend_inline'):
        pyplot.switch_backend(backend)
        import matplotlib_inline.backend_inline as inline
        inline._enable_matplotlib_integration()
    app.start()
    return None


def _fork(request):
    reason = _unsafe_to_fork()
    if reason:
        _send({'type': 'refused', 'id': request['id'], 'reason': reason})
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    try:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                _become_kernel(request)
                code = 0
            except SystemExit as exit:
                code = exit.code if isinstance(exit.code, int) else 1
            except BaseException:
                import traceback
                traceback.print_exc()
            finally:
                try:
                    import atexit
                    atexit._run_exitfuncs()
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass  # it is a session leader already
        _children.add(pid)
        _send({'type': 'forked', 'id': request['id'], 'pid': pid})
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})


def _learn_kernel_modules():
    """
    The modules a kernel imports while it sets itself up and runs its first cells (the configured learnCells),
    learned from one throwaway kernel (forked, so it sees what is already here).
    """
    import shutil, tempfile
    folder = tempfile.mkdtemp(prefix='cellbridge-forkserver-')
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            os.setsid()
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.chdir(folder)
            from ipykernel.kernelapp import IPKernelApp
            app = IPKernelApp.instance()
            app.initialize(['-f', os.path.join(folder, 'kernel.json'), '--IPKernelApp.parent_handle=0', '--HistoryManager.hist_file=:memory:'])
            # What a kernel's first cells load lazily (the inline figure's display, the traceback formatter).
            for code in _config.get('learnCells', []):
                app.shell.run_cell(code, store_history=False)
            os.write(write_end, json.dumps(sorted(sys.modules)).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    chunks = []
    while True:
        chunk = os.read(read_end, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    shutil.rmtree(folder, ignore_errors=True)
    return json.loads(b''.join(chunks) or b'[]')


def _preload():
    import importlib, warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        import ipykernel.kernelapp  # noqa: F401
        for name in _config.get('preload', []):
            try:
                importlib.import_module(name)
            except Exception:
                pass
        if _config.get('warmUp'):
            # The pool's own warm-up (imports, one figure drawn and encoded), with Agg whatever the display.
            try:
                import matplotlib
                matplotlib.use('agg')
            except Exception:
                pass
            exec(_config['warmUp'], {})
        learned = _learn_kernel_modules() if _config.get('learn', True) else []
        for name in learned:
            if name in sys.modules or name.startswith('__'):
                continue
            try:
                importlib.import_module(name)
            except BaseException:
                pass
    return len(learned)


def _main():
    import importlib.util
    # Started with -c, the server would import from its working directory first: a numpy.py there would be
    # preloaded into every kernel. Kernels get their own first entry back from ipykernel (their working directory).
    if sys.path and sys.path[0] == '':
        del sys.path[0]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.set_inheritable(_LIFELINE, False)
    _config['launcherFile'] = importlib.util.find_spec(_config.get('launcher', 'ipykernel_launcher')).origin
    learned = _preload()
    import ipykernel
    signal.signal(signal.SIGCHLD, _reap)
    _send({'type': 'ready', 'pid': os.getpid(), 'ipykernel': ipykernel.__version__, 'modules': len(sys.modules), 'learned': learned, 'unsafe': _unsafe_to_fork()})
    pending = b''
    while True:
        chunk = os.read(0, 1 << 16)
        if not chunk:
            return
        pending += chunk
        while b'\n' in pending:
            line, pending = pending.split(b'\n', 1)
            if line.strip():
                _fork(json.loads(line))


_main()
`;
