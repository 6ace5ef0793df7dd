package dev.filesapi.storage;

import java.util.Optional;

/** What the store knows of an object: its size and, where kept, a base64 CRC32C. */
public record ObjectStat(long size, Optional<String> crc32c) {}
