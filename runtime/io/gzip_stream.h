// Gzip (RFC 1952) decompression of a byte source with ISA-L's streaming inflate, about
// three times zlib's speed. Every member of a concatenated file is read; the CRC-32 and
// length in each member's trailer are checked; data after the last member that is not
// another member, a truncated file, or damaged data is an error, never dropped.
#pragma once

#include <cstddef>
#include <memory>

#include "runtime/io/input_stream.h"

namespace scorec::runtime {

// Compressed bytes taken from `raw` per read.
constexpr size_t kGzipInputBlock = size_t{256} << 10;

// `raw` starts with the gzip magic bytes (the caller sniffed them). `input_block` is
// for tests, which split headers and trailers across reads with tiny blocks.
std::unique_ptr<InputStream> gzip_stream(std::unique_ptr<InputStream> raw, size_t input_block = kGzipInputBlock);

}  // namespace scorec::runtime
