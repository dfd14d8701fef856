/**
 * FROM Lens' own LSP messages beyond the standard protocol, in one place (like rust-analyzer's
 * lsp_ext.ts). Each says its direction. The client imports these definitions too.
 */
import { NotificationType } from "vscode-languageserver-protocol";

/** The configuration section the server asks for with `workspace/configuration`. */
export const SETTINGS_SECTION = "fromLens";

/** Options the client passes in `initialize` (`initializationOptions`). */
export interface InitializationOptions {
  /** The extension's global storage dir, for the image cache. */
  storagePath?: string;
  /** False in an untrusted workspace: run no credential helper, ignore risky workspace settings. */
  workspaceTrusted?: boolean;
  /** VS Code's `http.proxy`, when set. */
  httpProxy?: string;
}

/** server → client: what the status bar shows. Sent whenever it changes. */
export interface StatusParams {
  /** "ready" once the server answers requests. */
  state: "starting" | "ready";
  /** A one-line summary for the status bar tooltip. */
  message: string;
}
export const StatusNotification = new NotificationType<StatusParams>("fromLens/status");
