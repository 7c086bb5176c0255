import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { Disposable } from '../core/common/disposable';
import { DisposableStore } from '../core/common/disposable';
import { errorMessage } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import { serverSettingsFor } from '../core/kernel/jupyterServer';
import { findServerKernelspecs } from '../core/kernel/serverKernelspecs';
import { KernelChoice, serverKernelChoice } from './kernelChoice';
import { displayUrl, splitToken } from './serverUrl';
import type { KernelControllers } from './kernelControllers';
import { notifyError, notifyInfo } from './notify';

/** A server the user connected to. Its token is kept in SecretStorage, never in settings or state. */
interface SavedServer {
  readonly id: string;
  readonly url: string;
}

const SERVERS_KEY = 'cellbridge.jupyterServers';
const tokenKey = (id: string): string => `cellbridge.jupyterServer.${id}.token`;

/**
 * Jupyter Servers the user connected to: remembered across sessions (URL in global state, token in
 * SecretStorage), each contributing one controller per kernelspec it offers.
 */
export class JupyterServers implements Disposable {
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly context: vscode.ExtensionContext, private readonly controllers: KernelControllers, private readonly logger: Logger) {
    this.subscriptions.add(vscode.commands.registerCommand('cellbridge.connectToJupyterServer', (url?: unknown, token?: unknown) => this.connect(url, token)));
    this.subscriptions.add(vscode.commands.registerCommand('cellbridge.disconnectJupyterServer', (url?: unknown) => this.disconnect(url)));
  }

  /** Brings back the controllers of the servers saved earlier; an unreachable one is logged, and kept. */
  async restore(): Promise<void> {
    await Promise.all(this.saved().map((server) => this.refresh(server).catch((error: unknown) => this.logger.warn(`Jupyter Server ${displayUrl(server.url)}: ${errorMessage(error)}`))));
  }

  /**
   * Asks for the URL and token (or takes them as arguments, for scripts and tests), checks the server
   * answers with its kernelspecs, then saves it. Returns the controller ids added, or undefined.
   */
  async connect(urlArg?: unknown, tokenArg?: unknown): Promise<string[] | undefined> {
    const url = typeof urlArg === 'string' ? urlArg : await askUrl();
    if (url === undefined) return undefined;
    const { baseUrl, token: tokenInUrl } = splitToken(url);
    const token = typeof tokenArg === 'string' ? tokenArg : tokenInUrl ?? (await askToken());
    if (token === undefined) return undefined;
    const server: SavedServer = this.saved().find((s) => s.url === baseUrl) ?? { id: randomUUID().slice(0, 8), url: baseUrl };
    try {
      await this.context.secrets.store(tokenKey(server.id), token);
      const choices = await this.refresh(server);
      await this.save([...this.saved().filter((s) => s.id !== server.id), server]);
      this.logger.info(`Connected to the Jupyter Server at ${displayUrl(baseUrl)}: ${choices.map((c) => c.kernelName).join(', ')}`);
      notifyInfo(`Connected to ${displayUrl(baseUrl)}: pick one of its ${choices.length} kernel(s) in the notebook's kernel picker.`);
      return choices.map((choice) => choice.id);
    } catch (error) {
      if (!this.saved().some((s) => s.id === server.id)) await this.context.secrets.delete(tokenKey(server.id));
      this.logger.error(`Could not connect to ${displayUrl(baseUrl)}: ${errorMessage(error)}`);
      notifyError(`Could not connect to the Jupyter Server: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /** Forgets a server: its controllers go, and the kernels notebooks ran there are shut down. */
  async disconnect(urlArg?: unknown): Promise<boolean> {
    const saved = this.saved();
    const server =
      typeof urlArg === 'string'
        ? saved.find((s) => s.url === splitToken(urlArg).baseUrl)
        : (await vscode.window.showQuickPick(saved.map((s) => ({ label: displayUrl(s.url), server: s })), { title: 'Disconnect from a Jupyter Server' }))?.server;
    if (!server) {
      if (saved.length === 0) notifyInfo('No Jupyter Server is connected.');
      return false;
    }
    await this.controllers.sync([], (choice) => choice.server?.id === server.id);
    await this.save(saved.filter((s) => s.id !== server.id));
    await this.context.secrets.delete(tokenKey(server.id));
    this.logger.info(`Disconnected from the Jupyter Server at ${displayUrl(server.url)}`);
    return true;
  }

  private async refresh(server: SavedServer): Promise<KernelChoice[]> {
    const token = (await this.context.secrets.get(tokenKey(server.id))) ?? '';
    const address = { url: server.url, token };
    const specs = await findServerKernelspecs(address);
    const choices = specs.map((spec) => serverKernelChoice({ id: server.id, address }, spec));
    await this.controllers.sync(choices, (choice) => choice.server?.id === server.id);
    return choices;
  }

  private saved(): SavedServer[] {
    return this.context.globalState.get<SavedServer[]>(SERVERS_KEY, []);
  }

  private async save(servers: SavedServer[]): Promise<void> {
    await this.context.globalState.update(SERVERS_KEY, servers);
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}

async function askUrl(): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Connect to a Jupyter Server',
    prompt: 'The server URL; a URL copied from `jupyter server list` may carry its token (?token=…)',
    placeHolder: 'http://127.0.0.1:8888/',
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        serverSettingsFor({ url: splitToken(value).baseUrl });
        return undefined;
      } catch (error) {
        return errorMessage(error);
      }
    },
  });
}

async function askToken(): Promise<string | undefined> {
  return vscode.window.showInputBox({ title: 'Connect to a Jupyter Server', prompt: 'The server token (empty if it has none)', password: true, ignoreFocusOut: true });
}
