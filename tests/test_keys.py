"""Multibase, Multikey and did:key."""

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from dataintegrity import keys, multibase
from dataintegrity.errors import InvalidVerificationMethod, MalformedProof

SPEC_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
SPEC_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"


@pytest.mark.parametrize("data", [b"", b"\0", b"\0\0\x01", bytes(range(256)), b"\xff" * 64])
def test_base58btc_round_trip(data):
    assert multibase.decode(multibase.encode(data)) == data


def test_base58btc_known_value():
    # "Hello World!" from the multibase spec's test vectors.
    assert multibase.encode(b"Hello World!") == "z2NEpo7TZRRrLZSi2U"


def test_base64url_round_trip():
    assert multibase.encode(b"\xfb\xff", "base64url") == "u-_8"
    assert multibase.decode("u-_8") == b"\xfb\xff"


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "must be a multibase string"),
        ("", "must be a multibase string"),
        ("x123", "is not multibase"),
        ("z0OIl", "is not valid base58btc"),
        ("z" + "1" * 2000, "too long"),
    ],
)
def test_multibase_decode_errors(value, message):
    with pytest.raises(MalformedProof, match=message):
        multibase.decode(value)


def test_spec_key_pair_round_trips():
    private = keys.decode_private_key(SPEC_SECRET)
    assert keys.encode_public_key(private.public_key()) == SPEC_PUBLIC
    assert keys.encode_private_key(private) == SPEC_SECRET


def test_did_key_of_interop_seed(ed25519_key, p256_key):
    assert keys.did_key(ed25519_key.public_key()) == "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP"
    assert keys.did_key(p256_key.public_key()) == "did:key:zDnaeyBA87Ggi1qy6gV4z2PJaH3JkSZag8ECBNo4cNi3ybwdb"


@pytest.mark.parametrize("curve", [ec.SECP256R1(), ec.SECP384R1()])
def test_ec_multikey_round_trip(curve):
    private = ec.generate_private_key(curve)
    encoded = keys.encode_public_key(private.public_key())
    assert encoded.startswith("zDn" if curve.name == "secp256r1" else "z82")
    decoded = keys.decode_public_key(encoded)
    assert decoded.public_numbers() == private.public_key().public_numbers()
    assert keys.decode_private_key(keys.encode_private_key(private)).private_numbers() == private.private_numbers()


def test_resolve_did_key():
    method = keys.resolve_did_key(f"did:key:{SPEC_PUBLIC}#{SPEC_PUBLIC}")
    assert method.controller == f"did:key:{SPEC_PUBLIC}"
    assert method.id == f"did:key:{SPEC_PUBLIC}#{SPEC_PUBLIC}"
    assert isinstance(method.public_key, ed25519.Ed25519PublicKey)
    assert keys.resolve_did_key(f"did:key:{SPEC_PUBLIC}").id == method.id


def test_did_key_document():
    document = keys.did_key_document(f"did:key:{SPEC_PUBLIC}")
    vm_id = f"did:key:{SPEC_PUBLIC}#{SPEC_PUBLIC}"
    assert document["verificationMethod"] == [
        {"id": vm_id, "type": "Multikey", "controller": f"did:key:{SPEC_PUBLIC}", "publicKeyMultibase": SPEC_PUBLIC}
    ]
    assert document["assertionMethod"] == [vm_id]


@pytest.mark.parametrize(
    "did_url, message",
    [
        ("did:web:example.com", "is not a did:key"),
        (42, "is not a did:key"),
        ("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#other", "has only the verification method"),
        ("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "not an Ed25519, P-256 or P-384 Multikey"),
        ("did:key:" + multibase.encode(b"\x80\x24\x02" + b"\xff" * 32), "not a valid point"),
        ("did:key:6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "is not multibase"),
    ],
)
def test_resolve_did_key_errors(did_url, message):
    with pytest.raises(InvalidVerificationMethod, match=message):
        keys.resolve_did_key(did_url)


def test_seed_must_be_32_bytes():
    with pytest.raises(ValueError, match="32 bytes"):
        keys.private_key_from_seed(b"\0" * 31)

