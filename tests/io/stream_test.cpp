// Byte sources: gzip by name and by magic bytes, standard input, and bounded chunks.
#include <fcntl.h>
#include <unistd.h>

#include "io_test_util.h"
#include "runtime/io/input_stream.h"

namespace scorec::runtime::testing {
namespace {

const char* kCsv = "user_id,event,timestamp,amount\nu1,purchase,1,2.5\nu2,email_open,2,\n";

TEST(Gzip, CsvAndNdjsonByName) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write_gz("e.csv.gz", kCsv), mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].cols[kAmount], std::optional<double>(2.5));
  EXPECT_EQ((*rows)[1].user, "u2");

  Ingest in2;
  rows = read_all(dir.write_gz("e.ndjson.gz", "{\"user_id\":\"u\",\"event\":\"email_open\",\"timestamp\":5}\n"),
                  mapping({}), in2);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].ts, 5);
}

TEST(Gzip, ByMagicBytesAndManyBlocks) {
  TempDir dir;
  std::string csv = "user_id,event,timestamp\n";
  for (int i = 0; i < 20000; ++i) csv += "user" + std::to_string(i % 101) + ",email_open," + std::to_string(i) + "\n";
  auto path = dir.write_gz("events_export", csv);  // no .gz: recognised by content; no .csv: sniffed
  Ingest in;
  auto rows = read_all(path, mapping({}), in, 1000, 4096);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 20000u);
  EXPECT_EQ(rows->back().ts, 19999);
  EXPECT_EQ(rows->back().line, 20001u);
  EXPECT_EQ(in.users.size(), 101u);
}

TEST(Gzip, TruncatedFileIsAnError) {
  TempDir dir;
  std::string csv = "user_id,event,timestamp\n";
  for (int i = 0; i < 5000; ++i) csv += "user" + std::to_string(i) + ",email_open," + std::to_string(i) + "\n";
  auto full = dir.write_gz("full.csv.gz", csv);
  std::ifstream f(full, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto cut = dir.write("cut.csv.gz", bytes.substr(0, bytes.size() / 2));
  Ingest in;
  auto rows = read_all(cut, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().file, cut);
  EXPECT_NE(rows.error().message.find("cannot decompress"), std::string::npos) << rows.error().message;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

TEST(Gzip, ConcatenatedMembersAreAllRead) {
  TempDir dir;
  // `cat a.gz b.gz > c.gz` is a valid gzip file of both contents (RFC 1952 members).
  std::string first = slurp(dir.write_gz("a.gz", "user_id,event,timestamp\nu1,email_open,1\n"));
  std::string second = slurp(dir.write_gz("b.gz", "u2,email_open,2\n"));
  std::string third = slurp(dir.write_gz("c.gz", "u3,email_open,3\n"));
  Ingest in;
  auto rows = read_all(dir.write("all.csv.gz", first + second + third), mapping({}), in, 1000, 7);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[2].user, "u3");
  EXPECT_EQ((*rows)[2].line, 4u);
}

TEST(Gzip, TrailingDataAfterTheGzipStreamIsAnError) {
  TempDir dir;
  std::string gz = slurp(dir.write_gz("a.gz", "user_id,event,timestamp\nu1,email_open,1\n"));
  auto path = dir.write("tail.csv.gz", gz + "u2,email_open,2\n");
  Ingest in;
  auto rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(), path + ": data that is not gzip follows the compressed data at byte offset " +
                                    std::to_string(gz.size()) + " (concatenated gzip files are read, other data is not)");
  Ingest skip;
  skip.ctx.skip_bad = true;  // not a line: --skip-bad cannot skip it
  EXPECT_FALSE(read_all(path, mapping({}), skip).ok());
}

TEST(Gzip, OverAPipeIsDecompressed) {
  TempDir dir;
  std::string gz = slurp(dir.write_gz("a.gz", "user_id,event,timestamp\nu1,email_open,1\n"));
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], gz.data(), gz.size()), static_cast<ssize_t>(gz.size()));
  ::close(fds[1]);
  Ingest in;
  // What `--events <(gzip -c events.csv)` passes: a pipe, which cannot be peeked at with pread.
  auto rows = read_all("/dev/fd/" + std::to_string(fds[0]), mapping({"format=csv"}), in);
  ::close(fds[0]);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].user, "u1");
}

TEST(InputStreamTest, OnlyRegularFilesCanBeReadTwice) {
  TempDir dir;
  EXPECT_TRUE(can_read_twice(dir.write("e.csv", "x\n")));
  EXPECT_FALSE(can_read_twice("-"));
  EXPECT_FALSE(can_read_twice("/dev/null"));
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_FALSE(can_read_twice("/dev/fd/" + std::to_string(fds[0])));
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(Stdin, DashReadsStandardInput) {
  TempDir dir;
  auto path = dir.write_gz("in.gz", "{\"user_id\":\"s\",\"event\":\"email_open\",\"timestamp\":9}\n");
  int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  int saved = ::dup(0);
  ::dup2(fd, 0);
  ::close(fd);
  Ingest in;
  auto rows = read_all("-", mapping({}), in);
  ::dup2(saved, 0);
  ::close(saved);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].user, "s");
}

TEST(InputStreamTest, MissingFileNamesIt) {
  Ingest in;
  auto rows = read_all("/nonexistent/dir/e.csv", mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(), "/nonexistent/dir/e.csv: cannot open: No such file or directory");
}

TEST(ChunkBufferTest, MemoryStaysNearTheBlockSize) {
  TempDir dir;
  std::string text(1 << 20, 'x');
  for (size_t i = 99; i < text.size(); i += 100) text[i] = '\n';
  auto in = InputStream::open(dir.write("lines.txt", text));
  ASSERT_TRUE(in.ok());
  ChunkBuffer buf(std::move(*in), 1000);
  size_t total = 0, max_size = 0;
  for (;;) {
    auto more = buf.fill();
    ASSERT_TRUE(more.ok());
    max_size = std::max(max_size, buf.size());
    total += buf.size();
    buf.consume(buf.size());
    if (!*more) break;
  }
  EXPECT_EQ(total, text.size());
  EXPECT_LE(max_size, 2000u);
}

}  // namespace
}  // namespace scorec::runtime::testing
