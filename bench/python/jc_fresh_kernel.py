"""The fresh-kernel path of the service benchmark: each request is served the way SandboxFusion's Jupyter
mode serves it, with a kernel started for it by jupyter_client and shut down after it, and no pool.

Long-lived, like a server with jupyter_client imported: one JSON request per stdin line
({"cells": [...], "kernel": "python3"}), one JSON reply per line on the original stdout, with the cells'
outputs in the run-cells shape (stdout, stderr, display, error) and the time of each phase."""
import json
import os
import signal
import sys
import time

from jupyter_client.manager import start_new_kernel

from jc_cells import kernel_pid

CELL_TIMEOUT_S = 120


def run_cell(kc, code):
    """One execute_request; returns its outputs once both its execute_reply and its idle status are in."""
    out = {"stdout": "", "stderr": "", "display": [], "error": []}
    msg_id = kc.execute(code, silent=False, store_history=True, allow_stdin=False, stop_on_error=False)
    while True:
        msg = kc.get_iopub_msg(timeout=CELL_TIMEOUT_S)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        msg_type, content = msg["header"]["msg_type"], msg["content"]
        if msg_type == "stream":
            out[content["name"]] += content["text"]
        elif msg_type in ("execute_result", "display_data"):
            out["display"].append(content["data"])
        elif msg_type == "error":
            out["error"].append({"ename": content["ename"], "evalue": content["evalue"], "traceback": content["traceback"]})
        elif msg_type == "status" and content["execution_state"] == "idle":
            break
    while True:
        reply = kc.get_shell_msg(timeout=CELL_TIMEOUT_S)
        if reply["parent_header"].get("msg_id") == msg_id:
            return out


def serve_request(request):
    started = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=request.get("kernel", "python3"))
    pid = kernel_pid(km)
    ready = time.perf_counter()
    try:
        cells = [run_cell(kc, code) for code in request["cells"]]
        ran = time.perf_counter()
    finally:
        kc.stop_channels()
        km.shutdown_kernel()
    stopped = time.perf_counter()
    return {
        "pid": pid,
        "cells": cells,
        "startMs": (ready - started) * 1000,
        "cellsMs": (ran - ready) * 1000,
        "shutdownMs": (stopped - ran) * 1000,
        "totalMs": (stopped - started) * 1000,
    }


def main():
    # Ctrl-C in the terminal reaches this process too: it stops when its stdin closes instead, after the
    # request under way, so that a kernel it started is always shut down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    # Kernels inherit fd 1; whatever they print must not be mistaken for a reply.
    os.dup2(2, 1)
    for line in sys.stdin:
        try:
            reply = serve_request(json.loads(line))
        except Exception as error:  # reported to the benchmark, which fails the section
            reply = {"error": "%s: %s" % (type(error).__name__, error)}
        replies.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    main()
