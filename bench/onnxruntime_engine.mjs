// onnxruntime_engine.mjs — ONNX Runtime 1.30 (npm's onnxruntime-node, CPU) as the baseline side of
// bench/onnx_vs_onnxruntime.sh (issue 14). Same command line and stdin protocol as
// bench/onnx_executor_bench.cpp, quarry's side, so the driver treats both alike:
//
//   node bench/onnxruntime_engine.mjs MODEL.onnx THREADS [--carry OUTPUT=INPUT]... NAME=TYPE:SHAPE:FILE[:CHUNKS]...
//   commands on stdin: "time K" → "ms MS_PER_CALL", "dump PATH" → "ok", "reset_profile" → "ok", "quit"
//
// The session: intraOpNumThreads THREADS, interOpNumThreads 1, graphOptimizationLevel 'all', sequential
// execution (as quarry runs a model call on one thread and its intra-op threads). With
// ORT_PROFILE=1 in the environment it profiles (enableProfiling) and, on quit, prints per-op-type
// kernel time totals of the runs after the last reset_profile to stderr, as "ORT_PROFILE" lines (per node with
// ORT_PROFILE=nodes: its node names, which its fusions change, then the op type).
// The package is the one bench/onnx_vs_onnxruntime.sh unpacks into bench/.cache/ort (never a dependency
// of quarry).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const require = createRequire(import.meta.url);
const ort = require(new URL('.cache/ort/node_modules/onnxruntime-node/', import.meta.url).pathname);

function fail(message) {
  process.stderr.write(`onnxruntime_engine: ${message}\n`);
  process.exit(1);
}

// NAME=TYPE:SHAPE:FILE[:CHUNKS] → { name, chunks: [ort.Tensor...] }
function readInput(spec) {
  const equals = spec.indexOf('=');
  const parts = spec.slice(equals + 1).split(':');
  if (equals < 0 || parts.length < 3 || parts.length > 4) fail(`input spec is not NAME=TYPE:SHAPE:FILE[:CHUNKS]: ${spec}`);
  const [type, shapeText, file] = parts;
  const TypedArray = { float32: Float32Array, int64: BigInt64Array }[type];
  if (!TypedArray) fail(`input type is not float32 or int64: ${spec}`);
  const shape = shapeText === '' ? [] : shapeText.split('x').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const chunks = parts.length === 4 ? Number(parts[3]) : 1;
  const bytes = fs.readFileSync(file);
  if (bytes.length !== count * TypedArray.BYTES_PER_ELEMENT * chunks) fail(`input file is not CHUNKS tensors of SHAPE: ${spec}`);
  const tensors = [];
  for (let chunk = 0; chunk < chunks; chunk++) {
    const values = new TypedArray(count);  // a copy: aligned, one per chunk
    const size = count * TypedArray.BYTES_PER_ELEMENT;
    new Uint8Array(values.buffer).set(bytes.subarray(chunk * size, (chunk + 1) * size));
    tensors.push(new ort.Tensor(type, values, shape));
  }
  return { name: spec.slice(0, equals), chunks: tensors };
}

const [modelPath, threadsText, ...rest] = process.argv.slice(2);
if (!threadsText) fail('usage: onnxruntime_engine.mjs MODEL.onnx THREADS [--carry OUTPUT=INPUT]... NAME=TYPE:SHAPE:FILE[:CHUNKS]...');
const inputs = [];
const carry = [];  // [output name, input name]
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--carry') carry.push(rest[++i].split('='));
  else inputs.push(readInput(rest[i]));
}
const profiling = process.env.ORT_PROFILE === '1' || process.env.ORT_PROFILE === 'nodes';
const byNode = process.env.ORT_PROFILE === 'nodes';  // per node (ONNX Runtime's node names) instead of per op type
const profileFolder = profiling ? fs.mkdtempSync(path.join(os.tmpdir(), 'ort-profile-')) : '';
const session = await ort.InferenceSession.create(modelPath, {
  intraOpNumThreads: Number(threadsText),
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  enableProfiling: profiling,
  profileFilePrefix: path.join(profileFolder, 'ort'),
});
for (const name of session.inputNames) {
  if (!inputs.some((input) => input.name === name)) fail(`no input spec for the model's input ${name}`);
}
process.stderr.write(`onnxruntime_engine: onnxruntime-node ${ort.env.versions.common}, ${threadsText} intra-op threads\n`);

let call = 0;
let runs = 0;  // all calls, for the profile
let carried = new Map();
function restart() {
  call = 0;
  carried = new Map(carry.map(([, input]) => [input, inputs.find((x) => x.name === input).chunks[0]]));
}
async function run() {
  const feeds = {};
  for (const input of inputs) feeds[input.name] = carried.get(input.name) ?? input.chunks[call % input.chunks.length];
  const results = await session.run(feeds);
  for (const [output, input] of carry) carried.set(input, results[output]);
  call++;
  runs++;
  return results;
}
restart();

let runsBeforeReset = 0;  // runs whose kernels the profile leaves out
function printProfile() {
  const [file] = fs.readdirSync(profileFolder);
  const events = JSON.parse(fs.readFileSync(path.join(profileFolder, file), 'utf8'));
  const modelRuns = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const last = modelRuns[runsBeforeReset - 1];
  const start = last ? last.ts + last.dur : 0;
  const totals = new Map();
  for (const event of events) {
    if (event.cat !== 'Node' || !event.name.endsWith('_kernel_time') || event.ts < start) continue;
    const key = byNode ? `${event.name.replace(/_kernel_time$/, '')} ${event.args.op_name}` : event.args.op_name;
    const total = totals.get(key) ?? { us: 0, count: 0 };
    total.us += event.dur;
    total.count++;
    totals.set(key, total);
  }
  const sum = [...totals.values()].reduce((a, b) => a + b.us, 0);
  process.stderr.write(`ORT_PROFILE ${'op_type'.padEnd(32)} ${'ms'.padStart(12)}   share     steps\n`);
  for (const [op, total] of [...totals].sort((a, b) => b[1].us - a[1].us)) {
    process.stderr.write(`ORT_PROFILE ${op.padEnd(32)} ${(total.us / 1000).toFixed(3).padStart(12)} ` +
                         `${((100 * total.us) / sum).toFixed(1).padStart(6)}% ${String(total.count).padStart(9)}\n`);
  }
  fs.rmSync(profileFolder, { recursive: true });
}

for await (const line of readline.createInterface({ input: process.stdin })) {
  const [verb, argument] = line.trim().split(/\s+/);
  if (verb === 'time') {
    const calls = Number(argument ?? 1);
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await run();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    process.stdout.write(`ms ${(ms / calls).toFixed(4)}\n`);
  } else if (verb === 'dump') {
    restart();
    const chunks = Math.max(...inputs.map((input) => input.chunks.length));
    let results;
    for (let i = 0; i < chunks; i++) results = await run();
    const parts = session.outputNames.map((name) => {
      const data = results[name].data;
      if (!(data instanceof Float32Array)) fail(`dump: output ${name} is not float32`);
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    });
    fs.writeFileSync(argument, Buffer.concat(parts));
    restart();
    process.stdout.write('ok\n');
  } else if (verb === 'reset_profile') {
    runsBeforeReset = runs;
    process.stdout.write('ok\n');
  } else if (verb === 'quit') {
    break;
  } else {
    fail(`unknown command: ${line}`);
  }
}
if (profiling) {
  session.endProfiling();
  printProfile();
}
await session.release();
