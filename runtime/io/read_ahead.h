// A byte source read ahead on a background thread: gzip input is inflated on a second
// core while the reader parses what was inflated before. A bounded queue of blocks
// holds the bytes in between, so memory stays at blocks × block_size.
#pragma once

#include <cstddef>
#include <memory>

#include "runtime/io/input_stream.h"

namespace scorec::runtime {

constexpr size_t kReadAheadBlock = size_t{4} << 20;  // 4 MiB
constexpr size_t kReadAheadBlocks = 4;

// Reads `src` on its own thread into up to `blocks` blocks of at most `block_size`
// bytes (the first 64 KiB, each next one twice the last, so small files stay small). The
// bytes come out in order and whole: an error of `src` is returned after every byte
// read before it, as the value of a read (nothing is thrown across the thread). The
// thread is stopped and joined when the returned stream is destroyed, at any point:
// `src->interrupt()` wakes it if it waits on a pipe. Without a thread to be had, `src`
// is returned as it is and read in the caller's thread.
std::unique_ptr<InputStream> read_ahead(std::unique_ptr<InputStream> src, size_t block_size = kReadAheadBlock,
                                        size_t blocks = kReadAheadBlocks);

}  // namespace scorec::runtime
