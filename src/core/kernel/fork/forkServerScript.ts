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
 *
 * A sandboxed server (config `sandboxed`, started with the sandbox's environment) forks kernels into
 * sandboxes that bubblewrap has made (sandbox/sandboxHolder.ts): the request names a process in one, and a
 * first child joins the kernel's cgroups and rlimits on the host, enters that process's namespaces (setns),
 * and forks the kernel, which is then inside all of them, in the sandbox's PID namespace; the first child
 * exits, and the server (a subreaper) becomes the kernel's parent and reaps it. The kernel closes every
 * descriptor it inherited but its own, drops every capability and sets no_new_privs before any code of its
 * user runs: it is then what bubblewrap would have started, as `nobody` in the sandbox's user namespace.
 */
import { SANDBOX_ENTRY_PYTHON } from './sandboxEntryScript';

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
        if pid not in _children:
            continue  # a sandboxed kernel's first child, or an orphan this subreaper inherited
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


def _run_launcher_preamble():
    """
    Runs the launcher module's own file as python -m would, but for the kernel it would launch: what it does
    before that (sys.path) differs between versions, and is then exactly what a spawned kernel's launcher did.
    """
    import runpy
    from ipykernel import kernelapp
    launch = kernelapp.launch_new_instance
    kernelapp.launch_new_instance = lambda *args, **kwargs: None
    try:
        runpy.run_path(_config['launcherFile'], run_name='__main__')
    finally:
        kernelapp.launch_new_instance = launch


def _become_kernel(request):
    import _thread
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    for number in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)
    try:
        os.setsid()
    except OSError:
        pass  # its parent made it a group leader first (setpgid): a group of its own either way
    if not request.get('sandbox'):
        os.close(_messages)  # a sandboxed kernel's first child closed it already (its number may be reused since)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    # A sandboxed kernel's is named as its sandbox shows it: no descriptor of the host's is left in the kernel.
    err = os.open(request['stderr'], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600) if request.get('stderr') else None
    os.dup2(null if err is None else err, 2)
    for fd in {null, err}:
        if fd is not None and fd > 2:
            os.close(fd)
    if request.get('sandbox'):
        _drop_privileges()
        os.environ['PWD'] = request['cwd']  # as bwrap's --chdir sets it
    os.chdir(request['cwd'])
    if not request.get('sandbox'):
        # A bare thread, not a threading.Thread: the user's threading.enumerate() shows only what a spawned kernel has.
        # A sandboxed kernel has no lifeline, a pipe every kernel would share: its sandbox dies with us instead.
        _thread.start_new_thread(_watch_lifeline, ())
    # What a spawned kernel would have: its argv, and sys.path as python -m left it (its working directory
    # first) and the launcher then changed it (ipykernel 6 keeps that entry, 7 drops it).
    sys.argv = [_config['launcherFile'], *request['args']]
    if not getattr(sys.flags, 'safe_path', False):
        sys.path.insert(0, os.getcwd())
    _run_launcher_preamble()
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


def _run_kernel(request):
    """The forked kernel's whole life; never returns."""
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


def _fork_sandboxed(request):
    """The kernel's pid (on the host), forked inside the request's sandbox through a first child; or raises."""
    read_end, write_end = os.pipe()
    first = os.fork()
    if first == 0:
        try:
            os.close(read_end)
            os.close(_messages)
            _enter_sandbox(request['sandbox'])
            kernel = os.fork()
            if kernel == 0:
                os.close(write_end)
                _run_kernel(request)  # its stderr file is named as the sandbox shows it
            try:
                os.setpgid(kernel, kernel)  # its group exists before Node hears of it
            except OSError:
                pass  # it made itself a session leader first (setsid): a group of its own either way
            os.write(write_end, json.dumps({'pid': kernel}).encode())
        except BaseException as error:
            os.write(write_end, json.dumps({'error': str(error)}).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    answer = _read_to_end(read_end)
    os.waitpid(first, 0)
    reply = json.loads(answer or b'{"error": "its first child died"}')
    if 'error' in reply:
        raise OSError('could not enter the sandbox: %s' % reply['error'])
    return reply['pid']


def _fork(request):
    reason = _unsafe_to_fork()
    if not reason and bool(request.get('sandbox')) != bool(_config.get('sandboxed')):
        reason = 'a sandboxed kernel needs a sandboxed server, and only it' if request.get('sandbox') else 'this server forks only into sandboxes'
    if reason:
        _send({'type': 'refused', 'id': request['id'], 'reason': reason})
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    try:
        if request.get('sandbox'):
            try:
                pid = _fork_sandboxed(request)
            except OSError as error:
                _send({'type': 'refused', 'id': request['id'], 'reason': str(error)})
                return
        else:
            pid = os.fork()
            if pid == 0:
                _run_kernel(request)
            try:
                os.setpgid(pid, pid)
            except OSError:
                pass  # it is a session leader already
        _children.add(pid)
        _send({'type': 'forked', 'id': request['id'], 'pid': pid})
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})


def _read_to_end(fd):
    """What a child wrote to the pipe fd until it closed its end; closes ours."""
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b''.join(chunks)


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
    modules = _read_to_end(read_end)
    os.waitpid(pid, 0)
    shutil.rmtree(folder, ignore_errors=True)
    return json.loads(modules or b'[]')


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
        _warm_tracebacks()
    return len(learned)


def _warm_tracebacks():
    """
    What makes a kernel's first error slow (~0.1 s, against ~15 ms for the next), done here where every forked
    kernel inherits it: IPython formats tracebacks with stack_data, which parses the whole file of every frame
    (each cell's traceback has a frame in IPython's interactiveshell.py, 3,000 lines) and compiles Pygments'
    Python lexer on first use. Both are cached per process, by file and by lexer class.
    """
    try:
        import linecache, stack_data
        from IPython.core import interactiveshell, ultratb
        stack_data.Source.for_filename(interactiveshell.__file__)
        # A cell's source is in linecache, as IPython puts it there: a traceback shows its lines, highlighted.
        name, source = '<cellbridge-warm-up>', 'raise RuntimeError()\n'
        linecache.cache[name] = (len(source), None, [source], name)
        try:
            exec(compile(source, name, 'exec'), {})
        except RuntimeError:
            ultratb.VerboseTB(color_scheme='Linux').structured_traceback(*sys.exc_info())
        finally:
            linecache.cache.pop(name, None)
    except Exception:
        pass  # another IPython formats its tracebacks otherwise: its kernels' first error is as slow as a spawned one's


def _main():
    import importlib.util
    # Started with -c, the server would import from its working directory first: a numpy.py there would be
    # preloaded into every kernel. Kernels get their own first entry back from ipykernel (their working directory).
    if sys.path and sys.path[0] == '':
        del sys.path[0]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.set_inheritable(_LIFELINE, False)
    if _config.get('sandboxed'):
        # A sandboxed kernel's first child exits once it has forked the kernel: the kernel is then ours to reap.
        _check(_libc().prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 'becoming a subreaper')
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


${SANDBOX_ENTRY_PYTHON}

_main()
`;
