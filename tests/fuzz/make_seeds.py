#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/ (run from the repository
root; the files are committed, so this only needs to run when seeds change).

fuzz_transactions records: signer byte (0x80 | index: steward, council,
alice, owner, log key, stranger; the high bit fills in origin, nonce and
expiry), 16-bit big-endian length, a serialized uuro.v1.TxBody. The fund the
target builds has round 3 open and initiative 4 (docs in the target)."""
import os
import struct

def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])

def field(num, value):
    if isinstance(value, int):
        return varint(num << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint(num << 3 | 2) + varint(len(value)) + value

def msg(*fields):
    return b"".join(field(n, v) for n, v in fields)

def body(payload_field, payload):
    return field(payload_field, payload)

STEWARD, COUNCIL, ALICE, OWNER, LOG, STRANGER = range(6)

def record(signer, tx, fill=True):
    return bytes([(0x80 if fill else 0) | signer]) + struct.pack(">H", len(tx)) + tx

KEY = bytes(range(32))
award = body(18, msg((1, 3), (2, 4), (3, 5)))
seeds = {
    "award": [record(ALICE, award)],
    "award_withdraw": [record(ALICE, award),
                       record(ALICE, body(19, msg((1, 3), (2, 4), (3, 2))))],
    "award_twice_same_nonce": [record(ALICE, award), record(ALICE, award)],
    "award_over_cap": [record(ALICE, body(18, msg((1, 3), (2, 4), (3, 40))))],
    "propose": [record(ALICE, body(15, msg((1, "Library"), (3, "harbour"), (4, 30),
                                          (5, "https://example.org/library"))))],
    "enroll": [record(STEWARD, body(11, msg((1, KEY), (2, "north"))))],
    "revoke_unknown": [record(STEWARD, body(12, msg((1, KEY), (3, "lost key"))))],
    "open_close_round": [
        record(STEWARD, body(13, msg((1, 50), (2, 100), (3, 1_800_000_000_000),
                                     (4, 1_800_003_600_000), (5, 100), (6, 5)))),
        record(STEWARD, body(14, msg((1, 3))))],
    "suspend_reinstate": [record(STEWARD, body(16, msg((1, 4), (2, "spam")))),
                          record(STEWARD, body(17, msg((1, 4), (2, "fixed"))))],
    "redeem_settle": [record(OWNER, body(20, msg((1, 4), (2, 15), (3, "benches")))),
                      record(STEWARD, body(21, msg((1, 6), (2, "PAY-1"))))],
    "redeem_reject": [record(OWNER, body(20, msg((1, 4), (2, 15), (3, "benches")))),
                      record(STEWARD, body(22, msg((1, 6), (2, "no invoice"))))],
    "redeem_at_once": [record(OWNER, body(20, msg((1, 4), (2, 5), (3, "paint"))))],
    "report": [record(OWNER, body(23, msg((1, 4), (2, "Benches are in."), (3, bytes(32)))))],
    "resident_as_steward": [record(ALICE, body(14, msg((1, 3))))],
    "stranger_award": [record(STRANGER, award)],
    "council_award": [record(COUNCIL, award)],
    "second_genesis": [record(LOG, body(10, msg((1, "fuzz.uuro.example/ledger"))))],
    "other_origin": [record(ALICE, msg((1, "other.uuro.example/ledger"), (2, 0),
                                       (3, 1_900_000_000_000)) + award, fill=False)],
}

def write(target, name, data):
    folder = os.path.join("tests/fuzz/corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)

for name, records in seeds.items():
    write("fuzz_transactions", name, b"".join(records))
# An envelope as received: body, signer, signature (not a valid one).
write("fuzz_transactions", "raw_envelope",
      record(ALICE, msg((1, award), (2, KEY), (3, bytes(64))), fill=False))

GO_NOTE = ("If you think cryptography is the answer to your problem,\n"
           "then you don't know what your problem is.\n\n"
           "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")
notes = {
    "go_note": GO_NOTE,
    "go_note_cosigned": GO_NOTE + "\u2014 witness.example/w1 AAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
    "checkpoint_text": "fuzz.uuro.example/ledger\n5\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=\n",
    "checkpoint_ext": "fuzz.uuro.example/ledger\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nan extension\n",
    "verifier_key": "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    "verifier_key_spec": "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
}
for name, text in notes.items():
    write("fuzz_notes", name, text.encode())

def proof_seed(mode, a, b, hashes):
    return bytes([mode]) + struct.pack(">HH", a, b) + b"".join(hashes)

write("fuzz_proofs_tiles", "inclusion", proof_seed(1, 7, 300, [bytes([i]) * 32 for i in range(9)]))
write("fuzz_proofs_tiles", "consistency", proof_seed(0, 100, 513, [bytes([i]) * 32 for i in range(10)]))
write("fuzz_proofs_tiles", "consistency_equal", proof_seed(0, 255, 255, []))
for name, path in {"tile": "tile/0/x001/234", "tile_partial": "tile/1/000.p/7",
                   "tile_entries": "tile/entries/x123/456.p/255",
                   "tile_entries_full": "tile/entries/000"}.items():
    write("fuzz_proofs_tiles", name, path.encode())
write("fuzz_proofs_tiles", "bundle", b"\x00\x03abc\x00\x00\x00\x05hello")
