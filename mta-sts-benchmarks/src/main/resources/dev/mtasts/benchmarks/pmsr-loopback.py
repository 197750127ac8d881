"""Runs Debian's mta-sts-daemon (postfix-mta-sts-resolver) for SocketmapLoad, with only its
network plumbing pointed at the loopback test servers; its request path and cache are untouched.

MTASTS_BENCH_DNS=127.0.0.1:PORT   every aiodns query goes to this server (knotd), not /etc/resolv.conf
MTASTS_BENCH_HTTPS=127.0.0.1:PORT every policy host name (mta-sts.<domain>) connects to this address;
                                  the URL, SNI and the certificate check still name mta-sts.<domain>
MTASTS_BENCH_PREFILL=FILE         optional: before serving, the internal cache gets one entry per line
                                  of FILE ("domain<TAB>id<TAB>policy", newlines in the policy as
                                  backslash-n), made as a fetch makes it (utils.parse_mta_sts_policy,
                                  then max_age as an int), fetched now: a cache warmed without
                                  100,000 HTTPS fetches, like the pre-filled store of our daemon
The other arguments are mta-sts-daemon's own (-c CONFIG ...).
"""
import os
import socket
import sys
import time

import aiodns
import aiohttp.abc
import aiohttp.connector

DNS_HOST, DNS_PORT = os.environ["MTASTS_BENCH_DNS"].rsplit(":", 1)
HTTPS_HOST, HTTPS_PORT = os.environ["MTASTS_BENCH_HTTPS"].rsplit(":", 1)

_original_init = aiodns.DNSResolver.__init__


def _loopback_init(self, *args, **kwargs):
    # pycares takes the server port as a channel option; the address through the nameservers setter.
    kwargs["udp_port"] = int(DNS_PORT)
    kwargs["tcp_port"] = int(DNS_PORT)
    _original_init(self, *args, **kwargs)
    self.nameservers = [DNS_HOST]


aiodns.DNSResolver.__init__ = _loopback_init


class _PolicyHostResolver(aiohttp.abc.AbstractResolver):
    def __init__(self, *args, **kwargs):
        pass

    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [{"hostname": host, "host": HTTPS_HOST, "port": int(HTTPS_PORT),
                 "family": socket.AF_INET, "proto": 0, "flags": socket.AI_NUMERICHOST}]

    async def close(self):
        pass


aiohttp.connector.DefaultResolver = _PolicyHostResolver

PREFILL = os.environ.get("MTASTS_BENCH_PREFILL")
if PREFILL:
    from postfix_mta_sts_resolver import base_cache, internal_cache, utils

    async def _prefilled_setup(self):
        now = time.time()
        with open(PREFILL, encoding="ascii") as lines:
            for line in lines:
                domain, pol_id, text = line.rstrip("\n").split("\t")
                pol = utils.parse_mta_sts_policy(text.replace("\\n", "\n"))
                pol["max_age"] = int(pol["max_age"])
                await self.set(domain, base_cache.CacheEntry(now, pol_id, pol))

    internal_cache.InternalLRUCache.setup = _prefilled_setup

from postfix_mta_sts_resolver.daemon import main  # noqa: E402  (after the patches, on purpose)

sys.argv[0] = "mta-sts-daemon"
sys.exit(main())
