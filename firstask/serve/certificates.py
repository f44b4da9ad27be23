"""TLS for the hall's desk: a certificate for the host's names (`firstask serve --make-cert`), and the server's TLS
context from a certificate and key (the centre's own, or the one made here)."""

from __future__ import annotations

import datetime
import ipaddress
import os
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID_DAYS = 825  # the longest a browser accepts for a server certificate it was told to trust


@dataclass(frozen=True)
class MadeCertificate:
    cert: Path
    key: Path
    names: tuple[str, ...]
    until: datetime.date


def host_names() -> list[str]:
    """This machine's names and non-loopback addresses, as the window PCs may reach it, and loopback."""
    names: list[str] = []
    for name in (socket.gethostname(), socket.getfqdn(), "localhost"):
        if name and name not in names:
            names.append(name)
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None)
    except OSError:
        infos = []
    addresses = {str(info[4][0]) for info in infos}
    if (lan := lan_address()) is not None:  # Debian names the host 127.0.1.1: the LAN's address is asked apart
        addresses.add(lan)
    for address in sorted(addresses | {"127.0.0.1", "::1"}):
        if address not in names:
            names.append(address)
    return names


def lan_address() -> str | None:
    """The address this machine's default route leaves by (the one the window PCs reach), if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.254", 9))  # nothing is sent: this only picks the route
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return None if ipaddress.ip_address(address).is_loopback else address


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def make_certificate(
    cert: Path, key: Path, names: list[str], *, now: datetime.datetime | None = None
) -> MadeCertificate:
    """A self-signed server certificate for `names`, and its key (owner-only). It is no CA (CA:FALSE, server
    authentication only): a window PC that trusts it trusts this server and nothing that its key could sign. Neither
    file may exist yet: a certificate the PCs already trust is never overwritten."""
    for path in (cert, key):
        if path.exists():
            raise FileExistsError(str(path))
    now = now or datetime.datetime.now(datetime.UTC)
    private = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, names[0][:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "firstask hall desk"),
        ]
    )
    until = now + datetime.timedelta(days=VALID_DAYS)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(until)
        .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(private, hashes.SHA256())
    )
    key.parent.mkdir(parents=True, exist_ok=True)
    cert.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(
            private.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return MadeCertificate(cert, key, tuple(names), until.date())


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """The server's TLS context (TLS 1.2 and newer); raises OSError or ssl.SSLError for files it cannot use."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context
