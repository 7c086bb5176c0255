"""Runs cells through a jupyter_client BlockingKernelClient the way the benchmark measures every client:
a cell is finished once both its execute_reply and the idle status it caused have arrived."""
import time

from jupyter_client.manager import start_new_kernel

CELL_TIMEOUT_S = 600


def run_cell(kc, code, on_stream=None):
    """Sends one execute_request and returns when its reply and its idle status are both in."""
    msg_id = kc.execute(code, silent=False, store_history=True, allow_stdin=False, stop_on_error=False)
    # iopub first: a cell printing a lot must be drained while it runs, as an interactive client does.
    while True:
        msg = kc.get_iopub_msg(timeout=CELL_TIMEOUT_S)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        msg_type = msg["header"]["msg_type"]
        if msg_type == "stream" and on_stream is not None:
            on_stream(msg["content"]["text"])
        elif msg_type == "status" and msg["content"]["execution_state"] == "idle":
            break
    while True:
        reply = kc.get_shell_msg(timeout=CELL_TIMEOUT_S)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


# The kernel runs as the engine runs its batch ones (kernelProcess.ts, ipythonKernelArgs), so that this floor
# measures the client alone: IPython keeps its input history in memory (as nbclient's kernels also do; written
# to history.sqlite, each cell costs a commit, and x = 1 runs ~15% slower), and ipykernel does not sleep 0.5 ms
# before each reply (a wait for clients that stop at the reply; this one, like the engine, waits for idle).
KERNEL_ARGS = ["--Kernel._execute_sleep=0", "--HistoryManager.hist_file=:memory:"]


def start_kernel(kernel_name):
    """start_new_kernel: KernelManager.start_kernel, start_channels, wait_for_ready. Returns (km, kc, seconds)."""
    started = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=kernel_name, extra_arguments=KERNEL_ARGS)
    return km, kc, time.perf_counter() - started


def stop_kernel(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def kernel_pid(km):
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    return getattr(process, "pid", None)
