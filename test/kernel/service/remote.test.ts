import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestJupyterServer } from '../helpers/jupyterServer';
import { assertSeedAnswer, SEED_CELLS, TestService } from '../helpers/service';

/** The service with its kernels on a real jupyter-server (`--server`). */
let server: TestJupyterServer;
let service: TestService;

before(async () => {
  server = await TestJupyterServer.start();
  service = await TestService.start({ server: server.address, poolSize: 1 });
});

after(async () => {
  try {
    assert.deepEqual(await service.close(), []);
    assert.deepEqual(await server.kernels(), [], 'every kernel on the server was shut down');
  } finally {
    await server.stop();
  }
});

describe('kernels on a Jupyter Server', () => {
  test('the seed example gives the same answer as with local kernels', async () => {
    const response = await service.runOk({ cells: SEED_CELLS, kernel: 'python3' });
    assertSeedAnswer(response);
  });

  test('each request gets its own kernel on the server', async () => {
    const ids = async (): Promise<string> => (await service.runOk({ cells: ['import os\nprint(os.getpid())'] })).cells[0]!.stdout;
    const [first, second] = [await ids(), await ids()];
    assert.notEqual(first, second);
  });

  test('files and fetch_files get 400: there is no run directory of ours on the server', async () => {
    const files = await service.run<{ field: string; error: string }>({ cells: ['1'], files: { 'a.txt': 'eA==' } });
    assert.equal(files.status, 400);
    assert.equal(files.body.field, 'files');
    assert.match(files.body.error, /--server/);
    const fetched = await service.run<{ field: string }>({ cells: ['1'], fetch_files: ['a.txt'] });
    assert.equal(fetched.status, 400);
    assert.equal(fetched.body.field, 'fetch_files');
  });
});
