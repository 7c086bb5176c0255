"""Executes a notebook of N identical code cells with nbclient and prints JSON timings.
Only the cell execution is timed: the kernel is started (and answers kernel_info) before the clock starts."""
import asyncio
import json
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.util import ensure_async

from jc_cells import kernel_pid


async def execute(count, code, kernel_name):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for _ in range(count)]
    client = NotebookClient(nb, kernel_name=kernel_name, timeout=600)
    client.reset_execution_trackers()
    async with client.async_setup_kernel():
        pid = kernel_pid(client.km)
        await client.async_wait_for_reply(await ensure_async(client.kc.kernel_info()))
        started = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        seconds = time.perf_counter() - started
    ok = all(cell.get("execution_count") is not None and not cell.outputs for cell in nb.cells)
    return {"seconds": seconds, "cells": count, "ok": ok, "pid": pid}


def main():
    count, code = int(sys.argv[1]), sys.argv[2]
    kernel_name = sys.argv[3] if len(sys.argv) > 3 else "python3"
    result = asyncio.run(execute(count, code, kernel_name))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
