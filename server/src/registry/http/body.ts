/**
 * Reading a response body with a cap: buffered (a 2xx over the cap is refused, an error body is
 * truncated), or streamed into a sink; a body shorter than its Content-Length is "truncated".
 */
import { badResponse, err, ok } from "../errors";
import type { Result } from "../errors";
import type { BodySink } from "./types";

/** A response body as undici gives it. */
export type ResponseBody = AsyncIterable<unknown> & { destroy(): unknown };

/** How much of a body was announced and how much arrived (to tell truncation after an error). */
export interface BodyProgress {
  expected: number;
  received: number;
  reading: boolean;
}

export interface BodyRead {
  body: ResponseBody;
  /** Bytes read at most. */
  cap: number;
  /** The Content-Length header, NaN when absent. */
  contentLength: number;
  progress: BodyProgress;
  /** Called after every chunk (re-arms the body idle timer). */
  onChunk: () => void;
  /** The host that sent it, for error messages. */
  host: string;
}

/**
 * Feeds a body to a sink, at most `cap` bytes; stops when the sink says so. `complete` is true
 * when every byte was delivered (also when the sink stopped at the very last one, as the
 * Content-Length shows). Throws what reading throws (the caller maps it), like the buffered path.
 */
export async function streamBody(
  read: BodyRead,
  sink: BodySink,
): Promise<Result<{ bytes: number; complete: boolean }>> {
  const { body, cap, contentLength, progress, onChunk, host } = read;
  progress.expected = contentLength;
  progress.reading = true;
  const streamed = await (async (): Promise<{ bytes: number; complete: boolean }> => {
    let bytes = 0;
    for await (const chunk of body) {
      let buf = chunk as Buffer;
      const capped = bytes + buf.length > cap;
      if (capped) buf = buf.subarray(0, cap - bytes);
      bytes += buf.length;
      progress.received = bytes;
      const more = buf.length === 0 || (await sink.write(buf));
      onChunk();
      if (capped || !more) {
        body.destroy();
        return { bytes, complete: !capped && bytes === contentLength };
      }
    }
    return { bytes, complete: true };
  })();
  if (streamed.complete && Number.isFinite(contentLength) && streamed.bytes < contentLength) {
    return err(badResponse("truncated", `${host} sent ${streamed.bytes} of ${contentLength} bytes.`, host));
  }
  return ok(streamed);
}

/**
 * Reads a whole body into memory. A success body (`success`) over `cap` is refused; an error
 * body is cut at `cap`. Throws what reading throws (the caller maps it).
 */
export async function readBody(read: BodyRead, success: boolean): Promise<Result<Buffer>> {
  const { body, cap, contentLength, progress, onChunk, host } = read;
  if (success && Number.isFinite(contentLength) && contentLength > cap) {
    body.destroy();
    return err(
      badResponse(
        "too-large",
        `${host} sent ${contentLength} bytes where at most ${cap} were expected; FROM Lens refused to read it.`,
        host,
      ),
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let truncatedAtCap = false;
  progress.expected = contentLength;
  progress.reading = true;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    progress.received = size;
    onChunk();
    if (size > cap) {
      if (success) {
        body.destroy();
        return err(
          badResponse(
            "too-large",
            `${host} sent more than ${cap} bytes for one response; FROM Lens stopped reading.`,
            host,
          ),
        );
      }
      chunks.push(buf.subarray(0, buf.length - (size - cap)));
      truncatedAtCap = true;
      body.destroy();
      break;
    }
    chunks.push(buf);
  }
  const bytes = Buffer.concat(chunks);
  if (success && Number.isFinite(contentLength) && !truncatedAtCap && bytes.length < contentLength) {
    return err(badResponse("truncated", `${host} sent ${bytes.length} of ${contentLength} bytes.`, host));
  }
  return ok(bytes);
}
