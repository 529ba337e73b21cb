/**
 * Files read a group at a time, the next groups on a second thread while the caller parses the
 * current one. `ml-gitops check` of a GitOps repository reads thousands of small files: each is
 * an open, a stat, a read and a close (about 24 µs here, a quarter of the run at 10,000 files),
 * time the main thread can spend parsing instead (bench/RESULTS.md).
 *
 * Synchronous for the caller: the reader thread posts each group on a MessageChannel and counts
 * it in shared memory; the caller waits on that count (Atomics.wait) and takes the group with
 * receiveMessageOnPort. The reader stays at most READ_AHEAD groups ahead, so memory holds a few
 * groups whatever the repository's size. Input of one group is read on the caller's thread: a
 * thread costs more to start than one group takes to read.
 */
import { readFileSync } from "node:fs";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

/** A file's text, or why it could not be read. */
export type ReadResult = string | { readonly error: string };

/** Groups read ahead of the one being parsed. */
const READ_AHEAD = 2;
/** How long the caller waits for one group before it gives up on the reader thread. */
const GROUP_TIMEOUT_MS = 60_000;

// Slots of the shared counters.
const POSTED = 0;
const TAKEN = 1;

function readOne(file: string): ReadResult {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * The reader thread's whole program (plain JavaScript, so it runs the same from the sources under
 * tsx and from dist/), reading as `readOne` does. Groups after the first, in order; a file it
 * cannot read is its error in the group, so the caller never waits for a group that will not come.
 */
const READER = `
const { workerData } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const { files, group, ahead, counters, port } = workerData;
const POSTED = ${POSTED}, TAKEN = ${TAKEN};
for (let start = group, posted = 0; start < files.length; start += group, posted++) {
  for (let taken = Atomics.load(counters, TAKEN); posted - taken >= ahead; taken = Atomics.load(counters, TAKEN)) Atomics.wait(counters, TAKEN, taken);
  const texts = files.slice(start, start + group).map((file) => {
    try {
      return readFileSync(file, "utf8");
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  });
  port.postMessage(texts);
  Atomics.add(counters, POSTED, 1);
  Atomics.notify(counters, POSTED);
}
port.close();
`;

/** The texts of `files`, `group` at a time, in order. */
export function* readInGroups(files: readonly string[], group: number): Generator<ReadResult[]> {
  if (files.length <= group) {
    if (files.length > 0) yield files.map(readOne);
    return;
  }
  const counters = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  const reader = new Worker(READER, { eval: true, workerData: { files, group, ahead: READ_AHEAD, counters, port: port2 }, transferList: [port2] });
  // The reader must never keep the process alive, nor its end be waited for.
  reader.unref();
  try {
    // The first group is read here while the thread starts.
    yield files.slice(0, group).map(readOne);
    for (let index = 0; group * (index + 1) < files.length; index++) {
      for (let posted = Atomics.load(counters, POSTED); posted <= index; posted = Atomics.load(counters, POSTED)) {
        if (Atomics.wait(counters, POSTED, posted, GROUP_TIMEOUT_MS) === "timed-out") {
          throw new Error(`the file reader thread sent nothing for ${GROUP_TIMEOUT_MS / 1000} s (files ${group * (index + 1) + 1}–${Math.min(files.length, group * (index + 2))} of ${files.length})`);
        }
      }
      const message = receiveMessageOnPort(port1)?.message as ReadResult[] | undefined;
      if (message === undefined) throw new Error("the file reader thread counted a group it did not send");
      Atomics.add(counters, TAKEN, 1);
      Atomics.notify(counters, TAKEN);
      yield message;
    }
  } finally {
    port1.close();
    void reader.terminate();
  }
}
