"""Kernel starts the way jupyter_client users make them, for bench/kernelStartBench.ts: one JSON request per
stdin line ({"kernel": NAME, "code": CODE, "errorCode": ERROR}), one reply per line: seconds until wait_for_ready
returned, until the first cell (CODE) was done (execute_reply and idle), and how long a second cell that raises
(ERROR) then took. The kernel is then killed."""
import json
import sys
import time

from jupyter_client.manager import KernelManager


def start(request):
    started = time.perf_counter()
    manager = KernelManager(kernel_name=request["kernel"])
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        ready = time.perf_counter() - started
        run(client, request["code"])
        first_cell = time.perf_counter() - started
        run(client, request["errorCode"])
        first_error = time.perf_counter() - started - first_cell
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return {"ready": ready, "firstCell": first_cell, "firstError": first_error}


def run(client, code):
    """Runs a cell; returns when its reply and its idle status have come."""
    msg_id = client.execute(code)
    client.get_shell_msg(timeout=60)
    while True:
        msg = client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return


def main():
    replies = sys.stdout
    sys.stdout = sys.stderr
    for line in sys.stdin:
        try:
            reply = start(json.loads(line))
        except Exception as error:
            reply = {"error": "%s: %s" % (type(error).__name__, error)}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


if __name__ == "__main__":
    main()
