#include "runtime/state/state_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "runtime/state/state_layout.h"
#include "support/file_io.h"
#include "support/hash.h"
#include "support/time.h"

namespace scorec::runtime {
namespace {

// Arrays are written as their in-memory bytes; the format is little-endian.
static_assert(std::endian::native == std::endian::little, "state files are little-endian");

constexpr char kMagic[8] = {'S', 'C', 'O', 'R', 'E', 'C', 'S', 'T'};
constexpr size_t kHeaderSize = 32;

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  template <class T>
  void put(T v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <class T>
  void array(const std::vector<T>& v) {
    put<uint64_t>(v.size());
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void str(std::string_view s) {
    put<uint64_t>(s.size());
    out_.append(s);
  }

 private:
  std::string& out_;
};

// Every read is bounds-checked; the first failure sticks and later reads return zeros,
// so decoding runs straight through and checks once at the end of each section.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  template <class T>
  T get() {
    T v{};
    if (!need(sizeof v)) return v;
    std::memcpy(&v, in_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  // A count of items of `item_size` bytes that must fit in what is left.
  uint64_t count(size_t item_size) {
    uint64_t n = get<uint64_t>();
    if (ok_ && item_size > 0 && n > (in_.size() - pos_) / item_size) ok_ = false;
    return ok_ ? n : 0;
  }
  template <class T>
  void array(std::vector<T>& v) {
    uint64_t n = count(sizeof(T));
    v.resize(n);
    if (n) std::memcpy(v.data(), in_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
  }
  std::string str() {
    uint64_t n = count(1);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }

 private:
  bool need(size_t n) {
    if (ok_ && in_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void put_column(Writer& w, const Column& c) {
  w.array(c.values);
  w.array(c.valid);
}

bool get_column(Reader& r, Column& c, size_t rows) {
  r.array(c.values);
  r.array(c.valid);
  return r.ok() && c.values.size() == rows && c.valid.size() == rows;
}

std::string hex(uint64_t v) { return fmt::format("{:016x}", v); }

}  // namespace

std::string encode_state(const SavedState& s) {
  std::string payload;
  Writer w(payload);
  w.put(s.layout_hash);
  w.put(s.rules_hash);
  w.str(s.rules_label);
  w.put(s.as_of);
  w.put(s.latest_event);
  w.put(s.generation);
  w.put(s.partition);
  w.put(s.partitions);
  w.put<uint64_t>(s.strings.size());
  for (const auto& str : s.strings) w.str(str);
  w.put<uint64_t>(s.lists.size());
  for (const auto& l : s.lists) w.array(l);
  w.put<uint64_t>(s.users.size());
  for (const auto& u : s.users) w.str(u);
  w.array(s.origins);
  w.put(s.num_slots);
  w.array(s.base);
  w.put<uint64_t>(s.profiles.size());
  for (const auto& c : s.profiles) put_column(w, c);
  w.array(s.kept.user);
  w.array(s.kept.type);
  w.array(s.kept.ts);
  w.array(s.kept.line);
  w.put<uint64_t>(s.kept.columns.size());
  for (const auto& c : s.kept.columns) put_column(w, c);
  w.put<uint64_t>(s.identity_links.size());
  for (const auto& l : s.identity_links) {
    w.str(l.from);
    w.str(l.to);
  }

  std::string out(kMagic, sizeof kMagic);
  Writer h(out);
  h.put(kStateFormatVersion);
  h.put<uint32_t>(0);
  h.put<uint64_t>(payload.size());
  h.put(xxh3_64(payload.data(), payload.size()));
  out += payload;
  return out;
}

namespace {

struct Header {
  uint32_t version = 0;
  uint64_t length = 0, checksum = 0;
};

// The fixed 32 bytes: magic, version, reserved field, payload length and checksum.
Expected<Header> check_header(std::string_view bytes, const std::string& name) {
  auto fail = [&](std::string why) { return Error{std::move(why), name}; };
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return fail("not a scorec state file (it does not start with SCORECST)");
  if (bytes.size() < kHeaderSize) return fail("the state file is truncated (its header is incomplete)");
  Reader head(bytes.substr(sizeof kMagic, kHeaderSize - sizeof kMagic));
  uint32_t version = head.get<uint32_t>();
  uint32_t reserved = head.get<uint32_t>();
  Header h;
  h.version = version;
  h.length = head.get<uint64_t>();
  h.checksum = head.get<uint64_t>();
  if (version > kStateFormatVersion)
    return fail(fmt::format("the state file has format version {}, newer than this scorec reads ({}); "
                            "use the scorec that wrote it, or a newer one",
                            version, kStateFormatVersion));
  if (version == 0) return fail("the state file has format version 0, which no scorec writes");
  if (reserved != 0) return fail("the state file is corrupted: its header's reserved field is not zero");
  return h;
}

// The payload's size against the header's promise.
Status check_length(const Header& h, uint64_t payload_size, const std::string& name) {
  if (payload_size < h.length)
    return Error{fmt::format("the state file is truncated: its header promises {} bytes of state, the file has {}",
                             h.length, payload_size),
                 name};
  if (payload_size > h.length)
    return Error{fmt::format("the state file has {} bytes after the end of its state; it is corrupted",
                             payload_size - h.length),
                 name};
  return Ok{};
}

// A value of a declared type as the engine will use it: timestamps must be instants
// scorec represents (decay converts their differences to integers), numbers finite
// (the readers never produce another), bools 0 or 1, string and list ids integers
// that name an entry of the state's pools.
bool valid_value(ir::Type type, double v, size_t strings, size_t lists) {
  switch (type) {
    case ir::Type::Timestamp: return time_in_range(v);
    case ir::Type::Number:
    case ir::Type::Duration: return std::isfinite(v);
    case ir::Type::Bool: return v == 0 || v == 1;
    case ir::Type::String: return v >= 0 && v < static_cast<double>(strings) && v == std::floor(v);
    case ir::Type::StringList: return v >= 0 && v < static_cast<double>(lists) && v == std::floor(v);
    case ir::Type::Null: return false;
  }
  return false;
}

// Every time and value the state carries, checked before the engine converts any: the
// checksum proves integrity, not who wrote the file (docs/embedding.md).
Status check_values(const SavedState& s, const ir::Program& p, const std::string& name) {
  auto invalid = [&](std::string what) {
    return Error{fmt::format("the state file is invalid: {}; it was damaged or not written by scorec", what), name};
  };
  if (!time_in_range(s.as_of))
    return invalid(fmt::format("its as-of time ({}) is not an instant scorec represents ({})", s.as_of,
                               time_range_text()));
  if (s.latest_event != kNoEventTime && !time_in_range(s.latest_event))
    return invalid(fmt::format("its latest event time ({}) is not an instant scorec represents", s.latest_event));
  for (size_t r = 0; r < s.kept.size(); ++r)
    if (!time_in_range(s.kept.ts[r]))
      return invalid(fmt::format("kept event {} has the time {}, not an instant scorec represents", r, s.kept.ts[r]));
  std::vector<ir::Type> col_types(static_cast<size_t>(p.schema.num_columns), ir::Type::Number);
  for (const auto& e : p.schema.events)
    for (const auto& prop : e.props) col_types[static_cast<size_t>(prop.column)] = prop.type;
  for (size_t c = 0; c < s.kept.columns.size(); ++c)
    for (size_t r = 0; r < s.kept.size(); ++r)
      if (s.kept.columns[c].valid[r] &&
          !valid_value(col_types[c], s.kept.columns[c].values[r], s.strings.size(), s.lists.size()))
        return invalid(fmt::format("kept event {} has a property value ({}) that its type cannot hold", r,
                                   s.kept.columns[c].values[r]));
  for (size_t a = 0; a < s.profiles.size(); ++a)
    for (size_t u = 0; u < s.users.size(); ++u)
      if (s.profiles[a].valid[u] &&
          !valid_value(p.schema.profile[a].type, s.profiles[a].values[u], s.strings.size(), s.lists.size()))
        return invalid(fmt::format("user '{}' has a value ({}) of profile attribute '{}' that its type cannot hold",
                                   s.users[u], s.profiles[a].values[u], p.schema.profile[a].name));
  return Ok{};
}

}  // namespace

Expected<SavedState> decode_state(std::string_view bytes, const ir::Program& p, const std::string& name) {
  auto fail = [&](std::string why) { return Error{std::move(why), name}; };
  auto header = check_header(bytes, name);
  if (!header) return header.error();
  std::string_view payload = bytes.substr(kHeaderSize);
  if (auto st = check_length(*header, payload.size(), name); !st) return st.error();
  if (xxh3_64(payload.data(), payload.size()) != header->checksum)
    return fail("the state file is corrupted: its checksum does not match its contents");

  SavedState s;
  Reader r(payload);
  s.layout_hash = r.get<uint64_t>();
  s.rules_hash = r.get<uint64_t>();
  s.rules_label = r.str();
  if (r.ok() && s.layout_hash != layout_hash(p))
    return fail(fmt::format(
        "the state was saved by other rules ({}): their events, scores, slots, windows, caps or decay differ "
        "from these rules' (state layout {} here, {} in the file); start a new state with a full run",
        s.rules_label.empty() ? "unnamed" : s.rules_label, hex(layout_hash(p)), hex(s.layout_hash)));
  s.as_of = r.get<double>();
  s.latest_event = r.get<double>();
  s.generation = r.get<uint32_t>();
  s.partition = r.get<uint32_t>();
  s.partitions = r.get<uint32_t>();
  uint64_t nstrings = r.count(8);
  s.strings.reserve(nstrings);
  for (uint64_t i = 0; i < nstrings && r.ok(); ++i) s.strings.push_back(r.str());
  uint64_t nlists = r.count(8);
  s.lists.resize(nlists);
  for (uint64_t i = 0; i < nlists && r.ok(); ++i) r.array(s.lists[i]);
  uint64_t nusers = r.count(8);
  s.users.reserve(nusers);
  for (uint64_t i = 0; i < nusers && r.ok(); ++i) s.users.push_back(r.str());
  r.array(s.origins);
  s.num_slots = r.get<uint64_t>();
  r.array(s.base);
  uint64_t nattrs = r.count(16);
  s.profiles.resize(nattrs);
  bool columns_ok = true;
  for (auto& c : s.profiles) columns_ok = columns_ok && get_column(r, c, nusers);
  r.array(s.kept.user);
  r.array(s.kept.type);
  r.array(s.kept.ts);
  r.array(s.kept.line);
  uint64_t ncols = r.count(16);
  s.kept.columns.resize(ncols);
  size_t nkept = s.kept.user.size();
  for (auto& c : s.kept.columns) columns_ok = columns_ok && get_column(r, c, nkept);
  if (header->version >= 2) {
    uint64_t nlinks = r.count(16);
    s.identity_links.reserve(nlinks);
    for (uint64_t i = 0; i < nlinks && r.ok(); ++i) {
      IdentityLink l;
      l.from = r.str();
      l.to = r.str();
      s.identity_links.push_back(std::move(l));
    }
  }

  // The checksum matched, so a failure here means a writer bug or a forged file.
  if (!r.ok() || !r.at_end() || !columns_ok) return fail("the state file is malformed (its sections do not add up)");
  if (s.origins.size() != nusers || s.num_slots != p.slots.size() || s.base.size() != nusers * s.num_slots ||
      nattrs != p.schema.profile.size() || ncols != static_cast<uint64_t>(p.schema.num_columns) ||
      s.kept.type.size() != nkept || s.kept.ts.size() != nkept || s.kept.line.size() != nkept ||
      s.partitions == 0 || s.partition >= s.partitions || s.strings.size() < p.strings.size())
    return fail("the state file is malformed (its sizes do not match its rules)");
  // Ids inside the state must name what it holds, or a misread would follow.
  for (uint32_t u : s.kept.user)
    if (u >= nusers) return fail("the state file is malformed (a kept event names no user)");
  for (uint16_t t : s.kept.type)
    if (t >= p.schema.events.size()) return fail("the state file is malformed (a kept event has no declared type)");
  for (const auto& l : s.lists)
    for (uint32_t id : l)
      if (id >= s.strings.size()) return fail("the state file is malformed (a list names no string)");
  // The links a run keeps are those that merged, so each merges again in order.
  IdentityMap links;
  for (const auto& l : s.identity_links)
    if (l.from.empty() || l.to.empty() || links.link(l.from, l.to) != IdentityMap::Linked::Merged)
      return fail("the state file is malformed (an identity link that links nothing)");
  if (auto st = check_values(s, p, name); !st) return st.error();
  return s;
}

Status write_state_file(const std::string& path, const SavedState& state) {
  // Written beside the target, then renamed: a crash never leaves a half-written state,
  // and a state continued in place (--state-in S --state-out S) is replaced whole.
  if (auto st = write_file_atomically(path, encode_state(state)); !st)
    return Error{"cannot write the state file: " + st.error().message, path};
  return Ok{};
}

namespace {

// Reads up to `n` more bytes onto `out`, in chunks, so that memory grows with what the
// file holds, not with what its header claims. Stops early at the end of the file.
Status read_some(int fd, uint64_t n, std::string& out, const std::string& path) {
  constexpr uint64_t kChunk = 1 << 20;
  while (n > 0) {
    size_t want = static_cast<size_t>(std::min(n, kChunk));
    size_t at = out.size();
    out.resize(at + want);
    ssize_t got = ::read(fd, out.data() + at, want);
    if (got < 0 && errno == EINTR) {
      out.resize(at);
      continue;
    }
    if (got < 0) return Error{fmt::format("cannot read the state file: {}", std::strerror(errno)), path};
    out.resize(at + static_cast<size_t>(got));
    if (got == 0) break;
    n -= static_cast<uint64_t>(got);
  }
  return Ok{};
}

// The most a state read from a stream (a FIFO, a device) may claim: physical memory.
uint64_t stream_limit() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : uint64_t{1} << 32;
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Expected<SavedState> read_state_file(const std::string& path, const ir::Program& program) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return Error{fmt::format("cannot read the state file: {}", std::strerror(errno)), path};
  struct stat st;
  if (::fstat(f.fd, &st) != 0) return Error{fmt::format("cannot read the state file: {}", std::strerror(errno)), path};
  if (S_ISDIR(st.st_mode)) return Error{"cannot read the state file: it is a directory", path};
  // The header first: a file that is not a state (/dev/zero, a CSV) is refused after 32
  // bytes, and a length the file cannot hold before anything is allocated for it.
  std::string bytes;
  if (auto s = read_some(f.fd, kHeaderSize, bytes, path); !s) return s.error();
  auto header = check_header(bytes, path);
  if (!header) return header.error();
  const bool regular = S_ISREG(st.st_mode);
  if (regular) {
    if (auto s = check_length(*header, static_cast<uint64_t>(st.st_size) - kHeaderSize, path); !s) return s.error();
    bytes.reserve(static_cast<size_t>(st.st_size));
  } else if (header->length > stream_limit()) {
    return Error{fmt::format("the state file's header promises {} bytes of state, more than this machine's memory; "
                             "it is corrupted",
                             header->length),
                 path};
  }
  if (auto s = read_some(f.fd, header->length, bytes, path); !s) return s.error();
  // One byte more tells a stream with trailing bytes (a regular file can grow too).
  std::string extra;
  if (bytes.size() == kHeaderSize + header->length)
    if (auto s = read_some(f.fd, 1, extra, path); !s) return s.error();
  if (!extra.empty()) return Error{"the state file has bytes after the end of its state; it is corrupted", path};
  return decode_state(bytes, program, path);
}

}  // namespace scorec::runtime
