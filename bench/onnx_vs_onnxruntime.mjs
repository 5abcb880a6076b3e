// onnx_vs_onnxruntime.mjs MANIFEST QUARRY_BENCH ROUNDS ROUND_SECONDS [MODEL...] — the driver of
// bench/onnx_vs_onnxruntime.sh (run that: it fetches ONNX Runtime and writes the models and inputs).
//
// For each model of MANIFEST (bench/make_onnx_bench_models.py), batch and thread count, it starts both
// engines on the same file and the same input files: QUARRY_BENCH (bench/onnx_executor_bench.cpp) and
// bench/onnxruntime_engine.mjs, which speak one line protocol. Each is warmed up, then ROUNDS rounds run
// about ROUND_SECONDS of calls on one engine then the other (the first alternating each round) while
// the other waits idle, so both see the same machine; each side's best round counts. Once per model
// and batch (its first row) both dump their outputs for the same inputs and the driver prints the
// largest difference. One-thread rows pin both engines to one CPU (see sameCpu). With PROFILE=MODEL:BATCH:THREADS
// in the environment it instead runs that one row with both engines' profilers on and prints their per-op-type
// times (per node with PROFILE_BY=node).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const [manifestPath, quarryBench, roundsText, roundSecondsText, ...only] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
const rounds = Number(roundsText);
const roundMs = 1000 * Number(roundSecondsText);
const ortEngine = new URL('onnxruntime_engine.mjs', import.meta.url).pathname;

// One engine process: send(command) resolves with its one-line answer.
class Engine {
  constructor(label, command, args, env) {
    this.label = label;
    this.stderr = '';
    this.process = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.process.stderr.on('data', (data) => { this.stderr += data; });
    this.lines = readline.createInterface({ input: this.process.stdout })[Symbol.asyncIterator]();
    this.exited = new Promise((resolve) => this.process.on('exit', resolve));
  }
  async send(command) {
    this.process.stdin.write(`${command}\n`);
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`${this.label} ended on "${command}":\n${this.stderr}`);
    return value;
  }
  async time(calls) {
    return Number((await this.send(`time ${calls}`)).split(' ')[1]);
  }
  async quit() {
    this.process.stdin.end('quit\n');
    await this.exited;
    return this.stderr;
  }
}

function engineArgs(model, batch, threads) {
  const args = [model.file, String(threads)];
  for (const [output, input] of Object.entries(model.carry)) args.push('--carry', `${output}=${input}`);
  for (const input of model.batches[batch]) {
    args.push(`${input.name}=${input.type}:${input.shape.join('x')}:${input.file}:${input.chunks}`);
  }
  return args;
}

// One-thread rows run both engines on the same CPU (`taskset -c`, the first this process may use; BENCH_CPU picks
// another): this VM's two CPUs are not equally fast (the second ran Silero VAD 1.6x and mobilenet_v3 up to 1.2x
// slower, for either engine), so wherever the scheduler happened to put each engine decided a one-thread row.
const sameCpu = process.env.BENCH_CPU ?? String(Math.min(...cpusAllowed()));

function cpusAllowed() {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('Cpus_allowed_list:'));
  const cpus = [];
  for (const range of (line ?? 'Cpus_allowed_list: 0').split(':')[1].trim().split(',')) {
    const [first, last] = range.split('-').map(Number);
    for (let cpu = first; cpu <= (last ?? first); cpu++) cpus.push(cpu);
  }
  return cpus;
}

function startEngines(model, batch, threads, env = {}) {
  const args = engineArgs(model, batch, threads);
  const pinned = (command, commandArgs) =>
    threads === 1 ? ['taskset', ['-c', sameCpu, command, ...commandArgs]] : [command, commandArgs];
  return [new Engine('quarry', ...pinned(quarryBench, args), env),
          new Engine('onnxruntime', ...pinned('node', [ortEngine, ...args]), env)];
}

// Warms `engine` up; returns how many calls take about `ms`.
async function warmUp(engine, ms) {
  await engine.time(1);  // first call: kernels' one-time set-up
  let calls = 1;
  let perCall = await engine.time(calls);
  while (calls * perCall < ms / 4 && calls < 1000) {
    calls *= 4;
    perCall = await engine.time(calls);
  }
  return Math.max(1, Math.round(ms / perCall));
}

function readFloats(file) {
  const bytes = fs.readFileSync(file);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

// The largest |quarry - ort| over every output and the largest |ort| (for a relative figure).
async function compareOutputs(engines) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-vs-ort-'));
  const files = engines.map((engine) => path.join(folder, `${engine.label}.bin`));
  for (let i = 0; i < engines.length; i++) await engines[i].send(`dump ${files[i]}`);
  const [quarry, ort] = files.map(readFloats);
  fs.rmSync(folder, { recursive: true });
  if (quarry.length !== ort.length) return { error: `outputs differ in size: ${quarry.length} vs ${ort.length}` };
  let difference = 0;
  let largest = 0;
  for (let i = 0; i < ort.length; i++) {
    difference = Math.max(difference, Math.abs(quarry[i] - ort[i]));
    largest = Math.max(largest, Math.abs(ort[i]));
  }
  return { difference, relative: difference / (largest || 1), values: ort.length };
}

async function measureRow(model, batch, threads, check) {
  const engines = startEngines(model, batch, threads);
  const agreement = check ? await compareOutputs(engines) : null;
  const calls = [];
  for (const engine of engines) calls.push(await warmUp(engine, roundMs));
  const best = [Infinity, Infinity];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) best[i] = Math.min(best[i], await engines[i].time(calls[i]));
  }
  for (const engine of engines) await engine.quit();
  return { quarry: best[0], ort: best[1], agreement };
}

function pad(text, width) {
  return String(text).padStart(width);
}

async function benchmark() {
  console.log(`# ${os.cpus().length} cores (${os.cpus()[0].model}), load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ` +
              `best of ${rounds} alternating rounds of ~${roundMs / 1000} s; ratio = ONNX Runtime ms / quarry ms`);
  console.log('| model | batch | threads | ONNX Runtime ms/batch | quarry ms/batch | ratio |');
  console.log('|---|---|---|---|---|---|');
  const agreements = [];
  for (const model of manifest) {
    if (only.length > 0 && !only.includes(model.name)) continue;
    for (const batch of Object.keys(model.batches)) {
      let checked = false;  // outputs compared once per batch: kernels differ by batch size
      for (const threads of [1, 2]) {
        const row = await measureRow(model, batch, threads, !checked);
        if (!checked) agreements.push([model.name, batch, row.agreement]);
        checked = true;
        console.log(`| ${model.name} | ${batch} | ${threads} | ${row.ort.toFixed(2)} | ${row.quarry.toFixed(2)} | ` +
                    `**${(row.ort / row.quarry).toFixed(2)}** |`);
      }
    }
  }
  console.log('\n| model | batch | outputs compared | max abs difference | relative to max abs output |');
  console.log('|---|---|---|---|---|');
  for (const [name, batch, agreement] of agreements) {
    if (agreement.error) console.log(`| ${name} | ${batch} | ${agreement.error} | | |`);
    else console.log(`| ${name} | ${batch} | ${agreement.values} | ${agreement.difference.toExponential(2)} | ${agreement.relative.toExponential(2)} |`);
  }
}

// Runs one row with both profilers; prints each engine's per-op-type times per call.
async function profile(spec) {
  const [name, batch, threads] = spec.split(':');
  const model = manifest.find((m) => m.name === name);
  if (!model || !model.batches[batch]) throw new Error(`PROFILE names no model and batch of the manifest: ${spec}`);
  const by = process.env.PROFILE_BY === 'node' ? 'nodes' : '1';
  const engines = startEngines(model, batch, Number(threads), { QUARRY_ONNX_PROFILE: by, ORT_PROFILE: by });
  const report = [];
  for (const engine of engines) {
    const calls = await warmUp(engine, roundMs);
    await engine.send('reset_profile');
    const ms = await engine.time(calls);
    const stderr = await engine.quit();
    report.push(`== ${engine.label}: ${name} batch ${batch}, ${threads} threads, ${ms.toFixed(2)} ms per call ` +
                `(${calls} calls profiled; ms below are per call)`);
    for (const line of stderr.split('\n')) {
      const fields = line.trim().split(/\s+/);  // TAG LABEL... MS SHARE STEPS (a node's label is its name and type)
      if (!/^(QUARRY_ONNX_PROFILE|ORT_PROFILE)$/.test(fields[0]) || fields[1] === 'op_type') continue;
      const [ms, share, steps] = fields.slice(-3);
      report.push(`${fields.slice(1, -3).join(' ').padEnd(34)} ${pad((Number(ms) / calls).toFixed(3), 10)} ` +
                  `${pad(share, 7)} ${pad((Number(steps) / calls).toFixed(1), 7)} per call`);
    }
  }
  console.log(report.join('\n'));
}

if (process.env.PROFILE) await profile(process.env.PROFILE);
else await benchmark();
