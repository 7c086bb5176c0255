import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayUrl, splitToken } from '../../../src/extension/serverUrl';

test('a URL from `jupyter server list` gives its token and a clean base URL', () => {
  assert.deepEqual(splitToken(' http://127.0.0.1:8888/?token=abc123 '), { baseUrl: 'http://127.0.0.1:8888/', token: 'abc123' });
  assert.deepEqual(splitToken('https://hub.example/user/me/lab?x=1'), { baseUrl: 'https://hub.example/user/me/lab' });
  assert.deepEqual(splitToken('not a url'), { baseUrl: 'not a url' });
});

test('displayUrl never shows a token or credentials', () => {
  assert.equal(displayUrl('http://me:secret@host:8888/base/?token=t'), 'http://host:8888/base/');
});
