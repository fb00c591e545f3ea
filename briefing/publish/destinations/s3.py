"""An S3-compatible bucket as a destination (AWS S3, Cloudflare R2, Backblaze B2, MinIO, Wasabi...):
s3://BUCKET/PREFIX. Needs boto3 (`pip install 'briefing[s3]'`). Credentials, region and endpoint
come from the standard AWS variables and files (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_ENDPOINT_URL, AWS_REGION, AWS_PROFILE, ~/.aws/), never from the command line, and are never
printed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ...errors import BriefingError
from .base import Destination, Stored, register

try:  # the optional briefing[s3]; this module is imported only when pushing (publish/push.py)
    import boto3
    from boto3.s3.transfer import TransferConfig
    from botocore import exceptions as boto_errors
    from botocore.config import Config
except ImportError:
    boto3 = None

PART = 8 * 1024 * 1024  # multipart uploads above this, in parts of this size (boto3's default, named here)


@register
class Bucket(Destination):
    scheme = "s3"
    remote = True

    def __init__(self, address: str):
        super().__init__(address)
        bucket, _, prefix = address[len("s3://") :].partition("/")
        if not bucket:
            raise BriefingError(f"an S3 destination is s3://BUCKET/PREFIX, not {address!r}")
        self.bucket, self.prefix = bucket, prefix.strip("/")
        if boto3 is None:
            raise BriefingError("an s3:// destination needs boto3: pip install 'briefing[s3]'")
        timeouts = Config(connect_timeout=10, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"})
        # A session of its own: the settings as they are now (boto3's default session keeps the first ones)
        self.client = boto3.session.Session().client("s3", config=timeouts)
        self.transfer = TransferConfig(multipart_threshold=PART, multipart_chunksize=PART, use_threads=False)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def listing(self) -> dict[str, Stored]:
        found = {}
        with self._speaking():
            for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else ""
            ):
                self.requests += 1
                for item in page.get("Contents", ()):
                    key = item["Key"][len(self.prefix) + 1 :] if self.prefix else item["Key"]
                    found[key] = Stored(item["Size"], item["ETag"].strip('"'))
        return found

    def put(self, key: str, source: Path | bytes, content_type: str | None, cache_control: str) -> None:
        extra = {"CacheControl": cache_control, **({"ContentType": content_type} if content_type else {})}
        with self._speaking():
            if isinstance(source, bytes):
                self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=source, **extra)
                self.requests += 1
            else:  # streamed from the file, in parts when large: memory stays bounded
                self.client.upload_file(str(source), self.bucket, self._key(key), ExtraArgs=extra, Config=self.transfer)
                size = source.stat().st_size
                self.requests += 1 if size <= PART else -(-size // PART) + 2

    def delete(self, keys: list[str]) -> None:
        with self._speaking():
            for start in range(0, len(keys), 1000):  # the most one request deletes
                batch = [{"Key": self._key(key)} for key in keys[start : start + 1000]]
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
                self.requests += 1

    def digests(self, source: Path | bytes) -> set[str]:
        """The MD5 and, for a file uploaded in parts, S3's tag of a multipart upload."""
        return set(part_digests(source) if isinstance(source, Path) else super().digests(source))

    @contextmanager
    def _speaking(self):
        """The store's refusals and a store out of reach as one line naming what to fix (never the credentials)."""
        endpoint = self.client.meta.endpoint_url
        try:
            yield
        except boto_errors.NoCredentialsError:
            raise BriefingError(
                f"no credentials for {self.address}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                "(or AWS_PROFILE, or ~/.aws/credentials)"
            ) from None
        except boto_errors.ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code == "NoSuchBucket":
                raise BriefingError(f"no bucket {self.bucket!r} at {endpoint}") from None
            if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403", "Forbidden"):
                raise BriefingError(f"{endpoint} refused the credentials for {self.address} ({code})") from None
            raise BriefingError(f"{endpoint} answered {code or 'an error'} for {self.address}") from None
        except (boto_errors.EndpointConnectionError, boto_errors.ConnectTimeoutError) as error:
            raise BriefingError(f"cannot reach the S3 endpoint {endpoint}: {type(error).__name__}") from None
        except boto_errors.BotoCoreError as error:
            raise BriefingError(f"{self.address}: {type(error).__name__}") from None


def part_digests(path: Path) -> Iterator[str]:
    """What a store's ETag for the file may be: its MD5, and, when large, the MD5 of its parts' MD5s
    with the number of parts (how S3 and its imitators tag a multipart upload of PART-sized parts)."""
    whole = hashlib.md5(usedforsecurity=False)
    parts = []
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(PART), b""):
            whole.update(block)
            parts.append(hashlib.md5(block, usedforsecurity=False).digest())
    yield whole.hexdigest()
    if len(parts) > 1:
        yield hashlib.md5(b"".join(parts), usedforsecurity=False).hexdigest() + f"-{len(parts)}"
