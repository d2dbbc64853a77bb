"""The QR payload (docs/qr-format.md): exact round trips, frozen version-1 data, and hostile input.

Every hostile payload must end in a :class:`qr.errors.QrError` with a message
in words — never another exception, never a hang, never a different credential
that passes for the original.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import zlib
from pathlib import Path

import brotli
import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataintegrity import EDDSA_JCS_2022, ECDSA_RDFC_2019, EDDSA_RDFC_2022, add_proof
from dataintegrity.keys import private_key_from_seed
from qr import base45, cbor, compact, dictionary_v1, payload, streams
from qr.structure import DATETIME, REPEAT, TERM, TEXT, UUID_URN, WINDOWED, Packer
from qr.cbor import Tag
from qr.errors import DamagedCode, NotOurCode, PayloadTooLarge, QrError, UnknownVersion
from verifier import Verifier

from ..conftest import CREATED, FIXTURES, NOW, SEED, read_json, signer_for, unsigned_for

SHARED_FIXTURES = Path(__file__).parents[2].parent / "shared" / "interop" / "fixtures"
EXAMPLES = sorted((Path(__file__).parents[2] / "schemas" / "examples").glob("*.json"))


def same(a: object, b: object) -> bool:
    """Equal with members in the same order and the same number types (what "exactly" means here)."""
    return json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


def round_trip(credential: dict) -> dict:
    return payload.decode(payload.encode_inline(credential)).credential


@pytest.fixture(scope="module")
def signed_credentials(loader):
    signed = {}
    for suite, algorithm in ((EDDSA_RDFC_2022, "Ed25519"), (EDDSA_JCS_2022, "Ed25519"), (ECDSA_RDFC_2019, "P-256")):
        key = private_key_from_seed(SEED, algorithm)
        signed[suite.name] = add_proof(unsigned_for(key), suite=suite, signer=signer_for(key), loader=loader,
                                       created=CREATED)
    return signed


class TestRoundTrip:
    @pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019"])
    def test_every_suite_still_verifies(self, suite, signed_credentials, loader):
        original = signed_credentials[suite]
        text = payload.encode_inline(original)
        decoded = payload.decode(text).credential
        assert same(decoded, original)
        assert Verifier(loader=loader).verify_credential(decoded, now=NOW).verified

    @pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.name)
    def test_every_interop_fixture_is_reproduced_exactly(self, path):
        document = read_json(path)
        if isinstance(document, dict):
            assert same(round_trip(document), document)

    @pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
    def test_profile_examples_with_thai_and_chinese(self, path):
        document = read_json(path)
        assert same(round_trip(document), document)

    def test_payload_is_alphanumeric_mode_text_with_the_version_prefix(self, signed_credentials):
        text = payload.encode_inline(signed_credentials["eddsa-rdfc-2022"])
        assert text.startswith("SP1C:")
        assert set(text) <= set(base45.ALPHABET)

    def test_strings_that_look_binary_but_would_not_round_trip_stay_text(self):
        tricky = {
            "upper": "urn:uuid:0B6D7A5C-3C8E-4F1B-9B1E-5F2D7C9A8E41",   # a UUID in capitals
            "leading_ones": "z1112",                                    # base58 leading zeros
            "not_base58": "z0OIl",
            "vm_other_fragment": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#key-1",
            "date_fraction": "2025-01-15T09:00:00.5Z",
            "date_minus_zero": "2025-01-15T09:00:00-00:00",
            "date_offset": "2025-01-15T09:00:00+05:45",
            "leap_second": "2016-12-31T23:59:60Z",
            "year_one": "0001-01-01T00:00:00Z",
            "empty": "", "nul": "a\x00b", "thai": "สมชาย", "mixed": "深圳 ไทย", "emoji": "🎓 done",
            "floats": [7.5, 7.0, -0.0, 1e-300, 1.7976931348623157e308], "ints": [0, -1, 2**63, -(2**64)],
            "repeated": ["x", "x", "urn:uuid:0b6d7a5c-3c8e-4f1b-9b1e-5f2d7c9a8e41"] * 2,
            "unknown key ü": {"@context": None, "": True, "nested": [[[]], {}]},
        }
        assert same(round_trip(tricky), tricky)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.dictionaries(st.text(max_size=12), st.recursive(
        st.none() | st.booleans() | st.integers(-(2**64), 2**64 - 1) | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
        | st.sampled_from(["urn:uuid:0b6d7a5c-3c8e-4f1b-9b1e-5f2d7c9a8e41", "2025-01-15T09:00:00Z",
                           "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "https://x.example/",
                           "VerifiableCredential", "z3yMzw"]),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
        max_leaves=25), max_size=6))
    def test_any_json_object_comes_back_exactly(self, document):
        assert same(round_trip(document), document)

    def test_integers_beyond_64_bits_are_refused_when_encoding(self):
        with pytest.raises(ValueError, match="64 bits"):
            payload.encode_inline({"n": 2**64})

    def test_structure_is_well_formed_cbor(self, signed_credentials):
        """cbor2, a general decoder, reads our structure as the same item (tags aside)."""
        packer = Packer()
        structure = packer.structure(signed_credentials["eddsa-rdfc-2022"])
        decoded = cbor2.loads(cbor.dumps(structure))

        def plain(item):
            if isinstance(item, Tag):
                return ("tag", item.number, plain(item.value))
            if isinstance(item, cbor2.CBORTag):
                return ("tag", item.tag, plain(item.value))
            if isinstance(item, dict):
                return {k: plain(v) for k, v in item.items()}
            if isinstance(item, (list, tuple)):  # cbor2 reads arrays inside tags as tuples
                return [plain(v) for v in item]
            return item

        assert plain(decoded) == plain(structure)


class TestLink:
    def test_link_carries_url_and_digest(self, signed_credentials):
        credential = signed_credentials["eddsa-rdfc-2022"]
        text = payload.encode_link("https://college.example/c/abc/credential.json", credential)
        assert text.startswith("SP1L:")
        link = payload.decode(text)
        assert link.mode == "link" and link.url == "https://college.example/c/abc/credential.json"
        assert link.matches(json.loads(json.dumps(credential, indent=3)))  # spacing does not matter
        changed = copy.deepcopy(credential)
        changed["name"] = "Something else"
        assert not link.matches(changed)

    def test_only_https_links(self, signed_credentials):
        with pytest.raises(ValueError, match="https"):
            payload.encode_link("http://college.example/c", signed_credentials["eddsa-rdfc-2022"])

    @pytest.mark.parametrize("body", [b"", b"\x00" * 32, b"\x00" * 32 + b"http://x", b"\x00" * 32 + b"\xff\xfe",
                                      b"\x00" * 32 + b"https://x\n"])
    def test_damaged_links(self, body):
        with pytest.raises(DamagedCode):
            payload.decode("SP1L:" + base45.encode(body))


class TestFrozenVersionOne:
    """Codes already printed must stay readable: the version-1 data never changes."""

    def test_codebook_is_frozen(self):
        data = (Path(compact.__file__).parent / "v1" / "codebook.json").read_bytes()
        assert hashlib.sha256(data).hexdigest() == CODEBOOK_SHA256

    def test_dictionary_is_frozen_and_rebuilds_from_the_skeletons(self):
        assert hashlib.sha256(streams.DICTIONARY).hexdigest() == DICTIONARY_SHA256
        assert dictionary_v1.build() == streams.DICTIONARY

    def test_the_texts_primer_is_frozen(self):
        assert hashlib.sha256(streams.PRIMER_STREAM).hexdigest() == PRIMER_SHA256
        assert streams.PRIMER.count(b"\x00") > 500 and b"learning outcomes" in streams.PRIMER

    def test_an_encoder_whose_brotli_starts_the_primer_differently_writes_plain_texts(self, monkeypatch,
                                                                                       signed_credentials):
        """A future Brotli may compress the primer otherwise: codes stay readable, only a little larger."""
        credential = signed_credentials["eddsa-rdfc-2022"]
        data = compact.pack(credential)
        monkeypatch.setattr(streams, "PRIMER_STREAM", streams.PRIMER_STREAM[:-1] + b"\x00")
        plain = compact.pack(credential)
        monkeypatch.undo()
        assert plain != data and same(compact.unpack(plain), credential)
        assert streams.read_varint(plain, streams.read_varint(plain, 0)[1])[0] % 2 == 0  # not primed

    def test_a_code_made_today_reads_the_same_forever(self):
        """A payload written by this version, stored here as text: decoding it must never change."""
        credential = read_json(SHARED_FIXTURES / "valid-eddsa-rdfc-2022.json") \
            if SHARED_FIXTURES.exists() else read_json(FIXTURES / "valid-eddsa-rdfc-2022.json")
        stored = (Path(__file__).parent / "reference-v1.txt").read_text("ascii").strip()
        assert same(payload.decode(stored).credential, credential)

    def test_the_dictionary_holds_no_ones_words(self):
        """The codebook and dictionary hold our vocabulary, not the texts of the credentials we measure."""
        words = (Path(compact.__file__).parent / "v1" / "codebook.json").read_text("utf-8") + \
            streams.DICTIONARY.decode("latin-1") + streams.PRIMER.decode("utf-8")
        for path in [*EXAMPLES, FIXTURES / "valid-eddsa-rdfc-2022.json"]:
            achievement = read_json(path)["credentialSubject"]["achievement"]
            texts = [achievement["criteria"]["narrative"], json.dumps(achievement["description"], ensure_ascii=False),
                     *(alignment["targetDescription"] for alignment in achievement["alignment"]
                       if "targetDescription" in alignment)]
            for text in texts:
                for start in range(0, max(1, len(text) - 32), 8):
                    assert text[start:start + 32] not in words


def hostile(text: str) -> QrError:
    with pytest.raises(QrError) as caught:
        payload.decode(text)
    assert caught.value.detail and "Traceback" not in caught.value.detail
    return caught.value


def inline(data: bytes) -> str:
    return "SP1C:" + base45.encode(data)


def compact_form(a: bytes, b: bytes = b"", c: bytes = b"", *, primed: bool = False) -> bytes:
    """A compact form with a correct checksum, so that what lies behind it is what is tested."""
    return with_crc(streams.varint(len(a)) + streams.varint(2 * len(b) + primed) + a + b + c)


def with_crc(body: bytes) -> bytes:
    return body + zlib.crc32(body).to_bytes(4, "big")


def deflated(structure: bytes) -> bytes:
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict=streams.DICTIONARY)
    return deflate.compress(structure) + deflate.flush()


class TestHostile:
    def test_wrong_prefix(self):
        for text in ("https://college.example/c/abc", "HC1:6BFOXN", "sp1c:ABC", "", "   "):
            assert isinstance(hostile(text), NotOurCode)

    def test_unknown_version_and_mode(self):
        assert "version" in hostile("SP2C:" + base45.encode(b"x")).detail
        assert isinstance(hostile("SP1X:ABC"), UnknownVersion)
        assert isinstance(hostile("SP9L:ABC"), UnknownVersion)

    def test_malformed_header(self):
        assert isinstance(hostile("SP1CABC"), DamagedCode)
        assert isinstance(hostile("SP1:ABC"), DamagedCode)

    def test_every_truncation(self, signed_credentials):
        text = payload.encode_inline(signed_credentials["eddsa-rdfc-2022"])
        for length in range(0, len(text)):
            hostile(text[:length])

    def test_bit_flips_are_reported_as_damage(self, signed_credentials, loader):
        """A flipped bit is refused as damaged (the checksum); were it not, the proof would fail."""
        original = signed_credentials["eddsa-rdfc-2022"]
        data = compact.pack(original)
        verifier = Verifier(loader=loader)
        randomly = random.Random(6)
        positions = randomly.sample(range(len(data) * 8), 120)
        refused = 0
        for bit in positions:
            flipped = bytearray(data)
            flipped[bit // 8] ^= 1 << (bit % 8)
            try:
                decoded = payload.decode(inline(bytes(flipped))).credential
            except QrError:
                refused += 1
                continue
            assert not verifier.verify_credential(decoded, now=NOW).verified
        assert refused == len(positions)

    def test_four_thousand_characters_of_noise(self):
        randomly = random.Random(4000)
        for prefix in ("", "SP1C:", "SP1L:"):
            for _ in range(20):
                noise = "".join(randomly.choice(base45.ALPHABET) for _ in range(4000))
                hostile(prefix + noise)
        hostile("SP1C:" + "Z" * 4291)

    def test_longer_than_any_qr_code(self):
        assert isinstance(hostile("SP1C:" + "0" * 5000), PayloadTooLarge)

    def test_characters_outside_base45(self):
        assert "base45" in hostile("SP1C:abc").detail

    def test_deflate_bomb(self):
        bomb = deflated(b"\x00" * 10_000_000)
        assert len(bomb) < 12_000
        assert isinstance(hostile(inline(compact_form(bomb))), PayloadTooLarge)

    def test_brotli_bomb(self):
        structure = deflated(cbor.dumps({0: Tag(TEXT, None)}))
        bomb = brotli.compress(b"A" * 50_000_000, quality=5)
        assert len(bomb) < 3000
        assert isinstance(hostile(inline(compact_form(structure, bomb))), PayloadTooLarge)

    def test_primed_brotli_bomb(self):
        structure = deflated(cbor.dumps({0: Tag(TEXT, None)}))
        compressor = brotli.Compressor(quality=11, mode=brotli.MODE_TEXT)
        assert compressor.process(streams.PRIMER) + compressor.flush() == streams.PRIMER_STREAM
        bomb = compressor.process(b"\x00" + b"A" * 50_000_000) + compressor.finish()
        assert isinstance(hostile(inline(compact_form(structure, bomb, primed=True))), PayloadTooLarge)

    def test_primed_texts_must_follow_the_primer(self):
        structure = deflated(cbor.dumps({0: Tag(TEXT, None)}))
        compressor = brotli.Compressor(quality=11, mode=brotli.MODE_TEXT)
        compressor.process(streams.PRIMER)
        compressor.flush()
        glued = compressor.process(b"no separator") + compressor.finish()
        assert "primer" in hostile(inline(compact_form(structure, glued, primed=True))).detail
        unprimed = brotli.compress(b"\x00text")  # a whole stream of its own, appended to the primer's start
        hostile(inline(compact_form(structure, unprimed, primed=True)))
        assert "inconsistent" in hostile(inline(compact_form(structure, b"", primed=True))).detail

    def test_repeated_string_bomb(self):
        """Each repeat costs the attacker 3 bytes; the rebuilt credential is what is limited."""
        structure = cbor.dumps({"a": Tag(TEXT, None), "b": [Tag(REPEAT, 0)] * 4000})
        texts = brotli.compress(b"x" * 60_000)
        assert isinstance(hostile(inline(compact_form(deflated(structure), texts))), PayloadTooLarge)

    def test_deep_nesting(self):
        structure = b"\x81" * 5000 + b"\xf6"
        assert "deeper" in hostile(inline(compact_form(deflated(structure)))).detail

    @pytest.mark.parametrize("structure, words", [
        (cbor.dumps({"x": Tag(TERM, 10_000)}), "value 10000"),
        (cbor.dumps({"x": Tag(TEXT, None)}), "missing"),
        (cbor.dumps({"x": Tag(UUID_URN, None)}), "missing"),
        (cbor.dumps({"x": Tag(REPEAT, 0)}), "repeats"),
        (cbor.dumps({"x": Tag(DATETIME, [10**15, None])}), "date"),
        (cbor.dumps({"x": Tag(WINDOWED, 0xD800 >> 7)}), "tag"),
        (cbor.dumps({"x": b"bytes"}), "bytes"),
        (cbor.dumps({9999: 1}), "property"),
        (cbor.dumps([1, 2]), "not a credential"),
        (b"\xd8\x1d\x00", "tag 29"),        # a shared-value reference: could build cycles
        (b"\x9f\xff", "indefinite"),
        (b"\xa2\x01\x01\x01\x01", "repeated"),
        (b"\xfb\x7f\xf8\x00\x00\x00\x00\x00\x00", "finite"),
        (cbor.dumps({"x": 1}) + b"\x00", "follow"),
        (b"\x9b\xff\xff\xff\xff\xff\xff\xff\xff", "count"),
    ])
    def test_structures_an_encoder_would_not_write(self, structure, words):
        assert words in hostile(inline(compact_form(deflated(structure)))).detail

    def test_data_left_over_is_damage(self, signed_credentials):
        body = compact.pack(signed_credentials["eddsa-rdfc-2022"])[:-4]
        assert "does not use" in hostile(inline(with_crc(body + b"\x00"))).detail

    def test_not_deflate_not_brotli(self):
        hostile(inline(compact_form(b"\xff\xff\xff\xff")))
        structure = deflated(cbor.dumps({0: Tag(TEXT, None)}))
        hostile(inline(compact_form(structure, b"\xff\xff\xff")))


CODEBOOK_SHA256 = "9afa3303d4bb0aa702902ede418577c6a8794c5f38aa43cff6c6bdfa73742f6d"
DICTIONARY_SHA256 = "06c9ec5f9b703ffc1a147179db662d04ddd5a74fdc6eb08385563c4aaef08745"
PRIMER_SHA256 = "153b7f9abaa333271c21561216b2015e670c872e4d6d7e50d85acc92cded4e8b"
