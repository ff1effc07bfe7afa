#include "runtime/state/state_file.h"

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "runtime/state/state_layout.h"
#include "support/hash.h"

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

  std::string out(kMagic, sizeof kMagic);
  Writer h(out);
  h.put(kStateFormatVersion);
  h.put<uint32_t>(0);
  h.put<uint64_t>(payload.size());
  h.put(xxh3_64(payload.data(), payload.size()));
  out += payload;
  return out;
}

Expected<SavedState> decode_state(std::string_view bytes, const ir::Program& p, const std::string& name) {
  auto fail = [&](std::string why) { return Error{std::move(why), name}; };
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return fail("not a scorec state file (it does not start with SCORECST)");
  if (bytes.size() < kHeaderSize) return fail("the state file is truncated (its header is incomplete)");
  Reader head(bytes.substr(sizeof kMagic, kHeaderSize - sizeof kMagic));
  uint32_t version = head.get<uint32_t>();
  uint32_t reserved = head.get<uint32_t>();
  uint64_t length = head.get<uint64_t>();
  uint64_t checksum = head.get<uint64_t>();
  if (version > kStateFormatVersion)
    return fail(fmt::format("the state file has format version {}, newer than this scorec reads ({}); "
                            "use the scorec that wrote it, or a newer one",
                            version, kStateFormatVersion));
  if (version == 0) return fail("the state file has format version 0, which no scorec writes");
  if (reserved != 0) return fail("the state file is corrupted: its header's reserved field is not zero");
  std::string_view payload = bytes.substr(kHeaderSize);
  if (payload.size() < length)
    return fail(fmt::format("the state file is truncated: its header promises {} bytes of state, the file has {}",
                            length, payload.size()));
  if (payload.size() > length)
    return fail(fmt::format("the state file has {} bytes after the end of its state; it is corrupted",
                            payload.size() - length));
  if (xxh3_64(payload.data(), payload.size()) != checksum)
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
  return s;
}

Status write_state_file(const std::string& path, const SavedState& state) {
  std::string bytes = encode_state(state);
  // Write beside the target, then rename: a crash never leaves a half-written state.
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Error{fmt::format("cannot write the state file: {}", std::strerror(errno)), tmp};
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) return Error{fmt::format("cannot write the state file: {}", std::strerror(errno)), tmp};
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Error{fmt::format("cannot write the state file: {}", std::strerror(errno)), path};
  }
  return Ok{};
}

Expected<SavedState> read_state_file(const std::string& path, const ir::Program& program) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{fmt::format("cannot read the state file: {}", std::strerror(errno)), path};
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error{"cannot read the state file", path};
  return decode_state(bytes, program, path);
}

}  // namespace scorec::runtime
