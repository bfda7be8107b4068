"""Assemble the verifier's trust configuration from the local trust store and the trust
options of one command (`--trust`, `--intermediate`, `--crl`, `--ocsp`, `--online`)."""

from __future__ import annotations

from pathlib import Path

import click


def build_trust(
    trust: tuple[Path, ...] = (),
    intermediate: tuple[Path, ...] = (),
    crl: tuple[Path, ...] = (),
    ocsp: tuple[Path, ...] = (),
    online: bool = False,
    use_store: bool = True,
    policy: str | Path | None = None,
):
    from archive.config import kyso_home
    from archive.trust.store import TrustStore, TrustStoreError
    from verifier.trust import material
    from verifier.trust.config import TrustConfig

    from verifier.policy.policyfile import PolicyError
    from verifier.policy.policyfile import load as load_policy

    try:
        config = TrustConfig(online=online, policy=load_policy(policy))
    except PolicyError as exc:
        raise click.BadParameter(str(exc), param_hint="--policy") from exc
    if use_store:
        store = TrustStore(kyso_home() / "trust")
        try:
            anchors, intermediates, crls, ocsps = store.material()
        except TrustStoreError as exc:
            raise click.ClickException(str(exc)) from exc
        for der in anchors:
            config.add_bundle(der, source="store")
        for der in intermediates:
            config.add_intermediates(der)
        for der in crls:
            config.add_crls(der)
        for der in ocsps:
            config.add_ocsps(der)
    loaders = (
        (trust, lambda data: config.add_bundle(data, source="run"), "--trust"),
        (intermediate, config.add_intermediates, "--intermediate"),
        (crl, config.add_crls, "--crl"),
        (ocsp, config.add_ocsps, "--ocsp"),
    )
    for paths, load, option in loaders:
        for path in paths:
            try:
                load(path.read_bytes())
            except (OSError, material.MaterialError) as exc:
                raise click.BadParameter(f"{path}: {exc}", param_hint=option) from exc
    return config


def trust_options(command):
    """The trust options shared by every command that verifies."""
    existing = click.Path(exists=True, dir_okay=False, path_type=Path)
    options = [
        click.option("--trust", "trust", multiple=True, type=existing,
                     help="Trust anchors for this run (PEM bundle or DER). Self-signed certificates "
                          "become anchors; other CA certificates in the file are intermediates."),
        click.option("--intermediate", multiple=True, type=existing, help="Intermediate CA certificates (PEM or DER)."),
        click.option("--crl", multiple=True, type=existing, help="CRLs (PEM or DER)."),
        click.option("--ocsp", multiple=True, type=existing, help="OCSP responses (DER or PEM)."),
        click.option("--online", is_flag=True, help="Allow fetching certificates, CRLs and OCSP responses from the network."),
        click.option("--no-trust-store", is_flag=True, help="Ignore the local trust store ($KYSO_HOME/trust)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def policy_option(command):
    """`--policy NAME|FILE`: the validation policy (default nd30; README: Policy files)."""
    return click.option(
        "--policy", "policy", metavar="NAME|FILE", default=None,
        help="Validation policy: a name (nd30, the default) or a TOML file overriding finding severities "
             "(fail|warn|info|ignore) and legacy-algorithm choices. Its name and hash go into every report.",
    )(command)
