// Generates the TypeScript types and service descriptors of proto/ (uuro.v1)
// into src/gen with protoc-gen-es, so the app speaks the same wire contract as
// uurod. Needs protoc (Debian's protobuf-compiler).
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const protoRoot = join(web, "..", "..", "proto");
const out = join(web, "src", "gen");
const protos = readdirSync(join(protoRoot, "uuro", "v1"))
  .filter((f) => f.endsWith(".proto"))
  .map((f) => join(protoRoot, "uuro", "v1", f));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
execFileSync(
  "protoc",
  [
    `--plugin=protoc-gen-es=${join(web, "node_modules", ".bin", "protoc-gen-es")}`,
    `--es_out=${out}`,
    "--es_opt=target=ts",
    `-I${protoRoot}`,
    ...protos,
  ],
  { stdio: "inherit" },
);
