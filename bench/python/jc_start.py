"""Kernel starts the way jupyter_client users make them, for bench/kernelStartBench.ts: one JSON request per
stdin line ({"kernel": NAME, "code": CODE}), one reply per line: seconds until wait_for_ready returned, and
until the first cell (CODE) was done (execute_reply and idle). The kernel is then killed."""
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
        msg_id = client.execute(request["code"])
        client.get_shell_msg(timeout=60)
        while True:
            msg = client.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        first_cell = time.perf_counter() - started
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return {"ready": ready, "firstCell": first_cell}


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
