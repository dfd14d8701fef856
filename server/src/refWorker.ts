/**
 * The worker thread that reads large documents' image references (dist/refWorker.js): parsing a
 * 2 MB Dockerfile takes dockerfile-ast most of a second, and on the server's own thread every
 * other request waited that long. It runs the same extractor as the server thread, on a copy of
 * the text, and posts the references back (plain data: they cross by structured clone).
 * See offThreadReader.ts for the side that starts it.
 */
import { parentPort } from "node:worker_threads";
import { TextDocument } from "vscode-languageserver-textdocument";
import { dotEnvBeside } from "./dotEnvFile";
import type { ReadJob, ReadReply } from "./offThreadReader";
import { extractRefs } from "./sources";

parentPort?.on("message", (job: ReadJob) => {
  let reply: ReadReply;
  try {
    const doc = TextDocument.create(job.uri, job.languageId, job.version, job.text);
    reply = { id: job.id, refs: extractRefs(doc, dotEnvBeside, { platforms: job.platforms }) };
  } catch (error) {
    reply = { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
