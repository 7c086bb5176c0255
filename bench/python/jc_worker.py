"""Serves jupyter_client measurements to bench.ts over JSON lines: one request per stdin line,
one JSON reply per line on the original stdout. The worker's own kernel is started by `start`."""
import json
import os
import resource
import sys
import time

from jc_cells import kernel_pid, run_cell, start_kernel, stop_kernel


class Worker:
    def __init__(self, kernel_name):
        self.kernel_name = kernel_name
        self.km = None
        self.kc = None

    def start(self, _request):
        self.km, self.kc, seconds = start_kernel(self.kernel_name)
        return {"seconds": seconds, "pid": kernel_pid(self.km)}

    def roundtrip(self, request):
        times_ms = []
        for _ in range(request["cells"]):
            started = time.perf_counter()
            run_cell(self.kc, "pass")
            times_ms.append((time.perf_counter() - started) * 1000)
        return {"ms": times_ms}

    def sequential(self, request):
        started = time.perf_counter()
        for _ in range(request["cells"]):
            run_cell(self.kc, request["code"])
        return {"seconds": time.perf_counter() - started}

    def lines(self, request):
        """Prints `count` lines in the kernel; peak RSS is this process's high-water mark (use a fresh worker)."""
        chunks = []
        baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        run_cell(self.kc, "for i in range(%d): print(i)" % request["count"], chunks.append)
        seconds = time.perf_counter() - started
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        text = "".join(chunks)
        expected = "".join("%d\n" % i for i in range(request["count"]))
        return {
            "seconds": seconds,
            "lines": text.count("\n"),
            "exact": text == expected,
            "messages": len(chunks),
            "baselineBytes": baseline_kb * 1024,
            "peakBytes": peak_kb * 1024,
        }

    def kernel_start(self, _request):
        """A separate kernel, started and shut down: start_new_kernel until wait_for_ready returns."""
        km, kc, seconds = start_kernel(self.kernel_name)
        pid = kernel_pid(km)
        stop_kernel(km, kc)
        return {"seconds": seconds, "pid": pid}

    def stop(self, _request=None):
        if self.km is not None:
            stop_kernel(self.km, self.kc)
            self.km = self.kc = None
        return {}


def main():
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    # Kernels inherit fd 1; whatever they print must not be mistaken for a reply.
    os.dup2(2, 1)
    worker = Worker(sys.argv[1] if len(sys.argv) > 1 else "python3")
    commands = {
        "start": worker.start,
        "roundtrip": worker.roundtrip,
        "sequential": worker.sequential,
        "lines": worker.lines,
        "kernelStart": worker.kernel_start,
        "stop": worker.stop,
    }
    try:
        for line in sys.stdin:
            request = json.loads(line)
            try:
                reply = commands[request["cmd"]](request)
            except Exception as error:  # reported to bench.ts, which fails the section
                reply = {"error": "%s: %s" % (type(error).__name__, error)}
            replies.write(json.dumps(reply) + "\n")
    finally:
        worker.stop()


if __name__ == "__main__":
    main()
