import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { TestJupyterServer } from '../../kernel/helpers/jupyterServer';
import { closeAllEditors, openNotebook, runCells, selectController, STDOUT_MIME, textOf } from './notebooks';

describe('a Jupyter Server', () => {
  let server: TestJupyterServer;
  before(async () => {
    server = await TestJupyterServer.start();
  });
  after(async () => {
    await closeAllEditors();
    await vscode.commands.executeCommand('cellbridge.disconnectJupyterServer', server.url);
    await server.stop();
  });

  it('connecting adds a controller per server kernelspec, whose kernel runs on the server', async () => {
    const ids = await vscode.commands.executeCommand<string[] | undefined>('cellbridge.connectToJupyterServer', server.url, server.token);
    assert.ok(ids, 'connected');
    const python = ids.find((id) => id.endsWith('.kernelspec.python3'));
    assert.ok(python, `a python3 controller among ${ids.join(', ')}`);
    const notebook = await openNotebook('remote.ipynb');
    await selectController(python);
    await runCells(notebook, [0]);
    assert.equal(textOf(notebook.cellAt(0), STDOUT_MIME), 'remote 4\n');
    const kernels = await server.kernels();
    assert.equal(kernels.length, 1, 'the kernel runs on the server');
  });
});
