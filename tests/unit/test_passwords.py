from msp import auth


def test_hash_is_argon2id_and_verifies():
    hashed = auth.hash_password("a long enough secret")
    assert hashed.startswith("$argon2id$")
    assert "a long enough secret" not in hashed
    assert auth.verify_password(hashed, "a long enough secret")
    assert not auth.verify_password(hashed, "a long enough secreT")


def test_same_password_hashes_differently():
    assert auth.hash_password("a long enough secret") != auth.hash_password("a long enough secret")


def test_missing_or_broken_hash_never_verifies():
    assert not auth.verify_password(None, "anything at all")
    assert not auth.verify_password("not-a-hash", "anything at all")


def test_password_policy():
    assert auth.password_problem("short") == "Enter a password of at least 12 characters"
    assert auth.password_problem("Password1234") == "Choose a password that is harder to guess"
    assert auth.password_problem("aaaaaaaaaaaaaaaa") == "Choose a password that is harder to guess"
    assert auth.password_problem("kettle-orbit-57-lantern") is None
