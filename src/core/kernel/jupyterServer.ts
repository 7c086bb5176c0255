import { ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';
import { KernelNotFoundError, ServerConnectionError } from '../common/errors';

/** Where a Jupyter Server (or Enterprise Gateway) is, and how to authenticate to it. */
export interface JupyterServerAddress {
  url: string;
  token?: string;
}

export function serverSettingsFor(address: JupyterServerAddress): ServerConnection.ISettings {
  let baseUrl: URL;
  try {
    baseUrl = new URL(address.url.endsWith('/') ? address.url : address.url + '/');
  } catch {
    throw new ServerConnectionError(`'${address.url}' is not a valid Jupyter Server URL (expected e.g. http://127.0.0.1:8888/).`);
  }
  if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') {
    throw new ServerConnectionError(`'${address.url}' is not an http(s) URL; a Jupyter Server URL looks like http://127.0.0.1:8888/.`);
  }
  const wsUrl = baseUrl.href.replace(/^http/, 'ws');
  return ServerConnection.makeSettings({
    baseUrl: baseUrl.href,
    wsUrl,
    token: address.token ?? '',
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
}

/** Turns what fetching from the server threw into an error a user can act on. */
export function describeServerFailure(address: JupyterServerAddress, error: unknown, kernelName?: string, specNames?: string[]): Error {
  if (error instanceof ServerConnection.NetworkError) {
    return new ServerConnectionError(`Could not reach the Jupyter Server at ${address.url} (${error.message}). Is it running, and is the URL right?`, { cause: error });
  }
  if (error instanceof ServerConnection.ResponseError) {
    const status = error.response.status;
    if (status === 401 || status === 403) {
      return new ServerConnectionError(`The Jupyter Server at ${address.url} refused the request (HTTP ${status}): check the token.`, { cause: error });
    }
    if (kernelName && specNames && !specNames.includes(kernelName)) return new KernelNotFoundError(kernelName, specNames);
    return new ServerConnectionError(`The Jupyter Server at ${address.url} answered HTTP ${status}: ${error.message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
