/**
 * What the server adapts to in a client: hover format, Commands instead of CodeAction literals,
 * the client-side commands it may use; and the diagnostics it need not send again.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import type { CodeAction } from "vscode-languageserver";
import { clientFeatures, codeActionsAsCommands } from "../../../server/src/clientCapabilities";
import { ServerCommand } from "../../../server/src/protocol";
import { PublishedDiagnostics } from "../../../server/src/publishedDiagnostics";

const URI = "file:///w/Dockerfile";
const RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } };

describe("clientFeatures", () => {
  it("hovers in Markdown only for a client that lists it", () => {
    assert.equal(
      clientFeatures({ textDocument: { hover: { contentFormat: ["plaintext", "markdown"] } } }, {})
        .hoverFormat,
      "markdown",
    );
    assert.equal(
      clientFeatures({ textDocument: { hover: { contentFormat: ["plaintext"] } } }, {}).hoverFormat,
      "plaintext",
    );
    assert.equal(clientFeatures({}, undefined).hoverFormat, "plaintext");
  });

  it("takes CodeAction literals only with codeActionLiteralSupport", () => {
    const literal = {
      textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: [] } } } },
    };
    assert.equal(clientFeatures(literal, {}).codeActionLiterals, true);
    assert.equal(clientFeatures({ textDocument: { codeAction: {} } }, {}).codeActionLiterals, false);
  });

  it("reads the client commands from initializationOptions, ignoring what is not a string", () => {
    const f = clientFeatures({}, { clientCommands: ["fromLens.showOutput", 3, null] });
    assert.deepEqual([...f.clientCommands], ["fromLens.showOutput"]);
    assert.equal(clientFeatures({}, { clientCommands: "fromLens.showOutput" }).clientCommands.size, 0);
  });
});

describe("codeActionsAsCommands", () => {
  const edit = { range: RANGE, newText: "FROM" };

  it("turns each edit, versioned or not, into the server's applyEdits at the document's version", () => {
    const actions: CodeAction[] = [
      {
        title: "Versioned",
        edit: { documentChanges: [{ textDocument: { uri: URI, version: 4 }, edits: [edit] }] },
      },
      { title: "Plain", edit: { changes: { [URI]: [edit] } } },
    ];
    assert.deepEqual(codeActionsAsCommands(actions, { uri: URI, version: 4 }), [
      {
        title: "Versioned",
        command: ServerCommand.applyEdits,
        arguments: [{ uri: URI, version: 4, edits: [edit], label: "Versioned" }],
      },
      {
        title: "Plain",
        command: ServerCommand.applyEdits,
        arguments: [{ uri: URI, version: 4, edits: [edit], label: "Plain" }],
      },
    ]);
  });

  it("leaves out an action that edits another document rather than half-apply it", () => {
    const actions: CodeAction[] = [
      { title: "Two files", edit: { changes: { [URI]: [edit], "file:///w/other": [edit] } } },
    ];
    assert.deepEqual(codeActionsAsCommands(actions, { uri: URI, version: 1 }), []);
  });

  it("keeps an action that is only a command, under the action's title", () => {
    const actions: CodeAction[] = [
      { title: "Refresh", command: { title: "x", command: ServerCommand.refresh, arguments: [{}] } },
    ];
    assert.deepEqual(codeActionsAsCommands(actions, { uri: URI, version: 1 }), [
      { title: "Refresh", command: ServerCommand.refresh, arguments: [{}] },
    ]);
  });
});

describe("PublishedDiagnostics", () => {
  const d = [{ range: RANGE, message: "m", source: "from-lens" }];

  it("lets the same diagnostics of the same version through once", () => {
    const p = new PublishedDiagnostics();
    assert.equal(p.changed(URI, 1, d), true);
    assert.equal(p.changed(URI, 1, [...d]), false);
    assert.equal(p.changed(URI, 2, d), true, "a new version gets its diagnostics");
    assert.equal(p.changed(URI, 2, []), true, "a change goes out");
  });

  it("sends again after the document closed", () => {
    const p = new PublishedDiagnostics();
    p.changed(URI, 1, d);
    p.forget(URI);
    assert.equal(p.changed(URI, 1, d), true);
  });
});
