// Verification of the log in the browser: everything a resident needs to
// check a receipt, a checkpoint and its cosignatures without trusting the
// server, matching the C++ byte for byte (tests/vectors/tlog_vectors.json).
export { VerifyError } from "./errors";
export {
  base64Decode,
  base64Encode,
  concat,
  equalBytes,
  fromHex,
  fromUtf8,
  readUint64BE,
  toHex,
  utf8,
} from "./bytes";
export {
  emptyTreeRoot,
  leafHash,
  nodeHash,
  rootFromLeaves,
  verifyConsistency,
  verifyInclusion,
} from "./merkle";
export {
  NOTE_ED25519,
  formatVerifierKey,
  keyId,
  openNote,
  parseNote,
  parseVerifierKey,
  type NoteSignature,
  type ParsedNote,
  type VerifierKey,
} from "./note";
export {
  parseCheckpointText,
  verifyCheckpoint,
  type Checkpoint,
  type CheckpointText,
} from "./checkpoint";
export {
  COSIGNATURE_V1,
  cosignerKeyId,
  verifyCosignatures,
  type Cosignature,
} from "./cosignature";
export { verifyEntryInCheckpoint, verifyReceipt, type ReceiptFields } from "./receipt";
export {
  MAX_ENVELOPE_SIZE,
  TX_CONTEXT,
  parseSecretKeyText,
  secretKeyText,
  seedToPkcs8,
  signTransactionBody,
  signedMessage,
  verifyTransactionSignature,
} from "./transaction";
