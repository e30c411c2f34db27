"""The clamd client (smartbank/engines/antivirus.py) against the real daemon that make test
starts (.ci/clamd.sh), and a second one of the test's own where a test needs TCP."""

import socket
import threading

import pytest
from django.conf import settings

from smartbank.engines import antivirus
from smartbank.tests import cards, malware


@pytest.fixture(scope="module")
def selfie_jpg() -> bytes:
    return cards.to_bytes(cards.selfie_of("astronaut"))


@pytest.fixture(scope="module")
def card_png() -> bytes:
    return cards.to_bytes(cards.gradient_photo(), "PNG")


def test_a_clean_image_scans_clean(selfie_jpg):
    result = antivirus.scan_bytes(selfie_jpg, address=settings.CLAMAV_ADDRESS)
    assert result == antivirus.ScanResult(signature=None)
    assert not result.infected


def test_eicar_inside_a_valid_jpeg_or_png_is_found_and_named(selfie_jpg, card_png):
    from smartbank.uploads import check_upload, load_image

    for infected in (malware.jpeg_with_eicar(selfie_jpg), malware.png_with_eicar(card_png)):
        check_upload(infected)  # passes the upload checks: sniffed as an image, opens
        load_image(infected)
        result = antivirus.scan_bytes(infected, address=settings.CLAMAV_ADDRESS)
        assert result.infected
        assert result.signature == malware.EICAR_SIGNATURE


def test_a_signature_split_across_chunks_is_still_found():
    """clamd scans the reassembled stream, not each INSTREAM chunk on its own."""
    data = b"A" * 1000 + malware.EICAR + b"B" * 1000
    result = antivirus.scan_bytes(data, address=settings.CLAMAV_ADDRESS, chunk_bytes=1013)
    assert result.signature == malware.EICAR_SIGNATURE


def test_ping_and_version():
    assert antivirus.ping(settings.CLAMAV_ADDRESS)
    assert antivirus.version(settings.CLAMAV_ADDRESS).startswith("ClamAV 1.")


def test_no_daemon_at_the_address_is_no_verdict(tmp_path):
    for address in (str(tmp_path / "nothing.sock"), "127.0.0.1:1", "not-an-address"):
        assert not antivirus.ping(address)
        with pytest.raises(antivirus.ScannerUnavailable):
            antivirus.scan_bytes(b"hello", address=address, timeout=2)


def test_a_daemon_that_never_answers_times_out_as_no_verdict(tmp_path):
    """A socket that accepts and then says nothing (a hung clamd): no verdict, within the
    timeout, never "clean"."""
    path = str(tmp_path / "silent.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True)
    thread.start()
    try:
        with pytest.raises(antivirus.ScannerUnavailable, match="timed out"):
            antivirus.scan_bytes(b"hello", address=path, timeout=0.5)
    finally:
        thread.join(timeout=5)
        for conn, _ in accepted:
            conn.close()
        server.close()


def test_a_daemon_that_hangs_up_without_a_verdict_is_no_verdict(tmp_path):
    path = str(tmp_path / "rude.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)

    def hang_up() -> None:
        conn, _ = server.accept()
        conn.recv(16)
        conn.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    try:
        with pytest.raises(antivirus.ScannerUnavailable):
            antivirus.scan_bytes(b"hello", address=path, timeout=2)
    finally:
        thread.join(timeout=5)
        server.close()


def test_a_stream_past_clamds_limit_is_no_verdict():
    """clamd refuses a stream longer than its StreamMaxLength (30 MB in .ci/clamd.sh, above
    the 10 MB upload limit): the file is not scanned, so it is not clean either."""
    with malware.clamd_of_its_own("StreamMaxLength 1M") as address:
        assert not antivirus.scan_bytes(b"x" * 500_000, address=address).infected
        with pytest.raises(antivirus.ScannerUnavailable):
            antivirus.scan_bytes(b"x" * 3_000_000, address=address)


def test_tcp_addresses_reach_clamd_too():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with malware.clamd_of_its_own(f"TCPSocket {port}", "TCPAddr 127.0.0.1"):
        for address in (f"127.0.0.1:{port}", f"tcp://127.0.0.1:{port}"):
            assert antivirus.scan_bytes(malware.EICAR, address=address).infected
            assert not antivirus.scan_bytes(b"hello", address=address).infected
