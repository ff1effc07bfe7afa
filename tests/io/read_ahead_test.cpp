// Reading ahead on a background thread (runtime/io/read_ahead.h): the same bytes in the
// same order whatever the sizes, an error after every byte before it, and the thread
// stopped and joined when the reader stops early, also while it waits on a pipe.
#include "runtime/io/read_ahead.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>
#include <string_view>
#include <thread>

#include "io_test_util.h"
#include "runtime/io/input_stream.h"

namespace scorec::runtime::testing {
namespace {

// `text` handed out `step` bytes at a time, then the end or an error.
class ScriptedStream final : public InputStream {
 public:
  ScriptedStream(std::string text, size_t step, bool fail) : text_(std::move(text)), step_(step), fail_(fail) {
    name_ = "scripted";
  }
  Expected<size_t> read(char* dst, size_t n) override {
    size_t k = std::min({n, step_, text_.size() - pos_});
    if (k == 0 && fail_) return Error{"cannot read: Input/output error", name_};
    std::memcpy(dst, text_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string text_;
  size_t step_, pos_ = 0;
  bool fail_;
};

// Bytes without end.
class EndlessStream final : public InputStream {
 public:
  explicit EndlessStream(std::atomic<size_t>& reads) : reads_(reads) { name_ = "endless"; }
  Expected<size_t> read(char* dst, size_t n) override {
    reads_.fetch_add(1);
    std::memset(dst, 'x', n);
    return n;
  }

 private:
  std::atomic<size_t>& reads_;
};

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}

struct Drained {
  std::string bytes;
  std::optional<Error> error;
};

Drained drain(InputStream& in, size_t read_size) {
  Drained d;
  std::string buf(read_size, '\0');
  for (;;) {
    auto got = in.read(buf.data(), buf.size());
    if (!got) {
      d.error = got.error();
      return d;
    }
    if (*got == 0) return d;
    d.bytes.append(buf.data(), *got);
  }
}

TEST(ReadAhead, SizesThatAreNotAMultipleOfTheBlock) {
  const size_t block = 4096;
  for (size_t n : {size_t{0}, size_t{1}, block - 1, block, block + 1, 3 * block + 17, 10 * block}) {
    for (size_t step : {size_t{1000}, block, size_t{1} << 20}) {
      for (size_t read_size : {size_t{1}, size_t{333}, block, 5 * block}) {
        if (n > block && (step < 100 || read_size < 100)) continue;
        std::string text = pattern(n);
        auto in = read_ahead(std::make_unique<ScriptedStream>(text, step, false), block, 3);
        auto d = drain(*in, read_size);
        ASSERT_FALSE(d.error) << d.error->str();
        ASSERT_TRUE(d.bytes == text) << n << " bytes in steps of " << step << ", read " << read_size;
        // The end stays the end.
        char c;
        auto again = in->read(&c, 1);
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(*again, 0u);
      }
    }
  }
}

TEST(ReadAhead, BlocksThatGrowFromSmallToTheBlockSize) {
  // 64 KiB, 128 KiB, ... 1 MiB, 1 MiB: bytes cut at each size.
  std::string text = pattern((size_t{3} << 20) + 17);
  auto in = read_ahead(std::make_unique<ScriptedStream>(text, 100000, false), size_t{1} << 20, 2);
  auto d = drain(*in, 300000);
  ASSERT_FALSE(d.error) << d.error->str();
  EXPECT_TRUE(d.bytes == text);
}

TEST(ReadAhead, AnErrorComesAfterEveryByteBeforeIt) {
  std::string text = pattern(50000);
  auto in = read_ahead(std::make_unique<ScriptedStream>(text, 777, true), 4096, 2);
  auto d = drain(*in, 1000);
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->str(), "scripted: cannot read: Input/output error");
  EXPECT_TRUE(d.bytes == text);
  char c;
  auto again = in->read(&c, 1);  // and stays
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().str(), "scripted: cannot read: Input/output error");
}

TEST(ReadAhead, ReaderThatStopsEarlyStopsTheThread) {
  std::atomic<size_t> reads{0};
  {
    auto in = read_ahead(std::make_unique<EndlessStream>(reads), 4096, 4);
    char buf[100];
    auto got = in->read(buf, sizeof buf);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(std::string(buf, *got), std::string(*got, 'x'));
  }  // destroyed with the thread blocked on a full queue, or filling a block: joined
  size_t after = reads.load();
  EXPECT_GE(after, 1u);
  EXPECT_EQ(reads.load(), after) << "the thread reads on after its stream is gone";
  // Destroyed before anything was read.
  { auto in = read_ahead(std::make_unique<EndlessStream>(reads), 4096, 4); }
}

std::string gzip_of(const std::string& text) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, text.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(ReadAhead, ReaderThatStopsEarlyWhileThePipeStaysOpen) {
  // gzip through a pipe whose writer neither writes the rest nor closes: the inflating
  // thread waits on the pipe. The reader takes 7 of the 8 MiB the pipe holds (blocks are
  // handed over full, so by then the thread has inflated nearly all of it and soon
  // waits) and stops; closing must not wait for the writer.
  std::string text;
  while (text.size() < (size_t{8} << 20)) text += "u1,email_open,1719792000\n";
  text.resize(size_t{8} << 20);
  std::string gz = gzip_of(text);
  ASSERT_LT(gz.size(), size_t{60000}) << "must fit in the pipe's buffer";
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const size_t sent = gz.size() - 8;  // all but the trailer
  ASSERT_EQ(::write(fds[1], gz.data(), sent), static_cast<ssize_t>(sent));
  {
    auto in = InputStream::open("/dev/fd/" + std::to_string(fds[0]));
    ASSERT_TRUE(in.ok()) << in.error().str();
    ChunkBuffer buf(std::move(*in));
    size_t total = 0;
    while (total < (size_t{7} << 20)) {  // whole 1 MiB fills
      auto more = buf.fill();
      ASSERT_TRUE(more.ok()) << more.error().str();
      ASSERT_TRUE(std::string_view(buf.data(), buf.size()) == std::string_view(text).substr(total, buf.size()));
      total += buf.size();
      buf.consume(buf.size());
    }
  }
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(InputStreamInterrupt, ReadWaitingOnAPipeReturnsAnError) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "ab", 2), 2);
  auto in = InputStream::open("/dev/fd/" + std::to_string(fds[0]));
  ASSERT_TRUE(in.ok()) << in.error().str();
  std::optional<Error> error;
  std::string got;
  std::thread reader([&] {
    char buf[16];
    for (;;) {  // "ab", then a wait for bytes that never come
      auto r = (*in)->read(buf, sizeof buf);
      if (!r) {
        error = r.error();
        return;
      }
      if (*r == 0) return;
      got.append(buf, *r);
    }
  });
  (*in)->interrupt();
  reader.join();
  EXPECT_EQ(got, "ab");  // bytes taken to sniff the format come first
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message, "reading was stopped");
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(ReadAhead, ReaderThatStopsAtTheFirstBadLine) {
  // Several read-ahead blocks of good rows after a bad one: the reader stops at the bad
  // line, reports it (not a gzip error), and its stream stops the thread.
  TempDir dir;
  std::string csv = "user_id,event,timestamp\nu1,email_open,1\nu2,email_open,2,extra\n";
  while (csv.size() < (size_t{12} << 20)) csv += "u3,email_open,3\n";
  Ingest in;
  auto rows = read_all(dir.write_gz("bad.csv.gz", csv), mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().line, 3);
  EXPECT_EQ(rows.error().message.find("cannot decompress"), std::string::npos) << rows.error().str();
}

TEST(ReadAhead, GzipLargerThanTheReadAheadReadsLikeThePlainFile) {
  // 9.5 MiB of rows: two whole 4 MiB blocks and a part, the rows cut at the block edges.
  TempDir dir;
  std::string csv = "user_id,event,timestamp\n";
  size_t n = 0;
  while (csv.size() < (size_t{19} << 19))
    csv += "user" + std::to_string(n % 977) + ",email_open," + std::to_string(n++) + "\n";
  Ingest plain_in, gz_in;
  auto plain = read_all(dir.write("e.csv", csv), mapping({}), plain_in, 65536);
  auto gz = read_all(dir.write_gz("e.csv.gz", csv), mapping({}), gz_in, 65536);
  ASSERT_TRUE(plain.ok()) << plain.error().str();
  ASSERT_TRUE(gz.ok()) << gz.error().str();
  ASSERT_EQ(gz->size(), n);
  EXPECT_TRUE(*gz == *plain);
}

}  // namespace
}  // namespace scorec::runtime::testing
