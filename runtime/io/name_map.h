// A table keyed by strings and found by string_view: open addressing (boost), no
// std::string built per lookup. XXH3 for short keys (event names, JSON keys, ids) is
// cheaper than std::hash.
#pragma once

#include <string>
#include <string_view>

#include <boost/unordered/unordered_flat_map.hpp>

#include "runtime/value_pools.h"

namespace scorec::runtime {

struct StringHash {
  using is_transparent = void;
  using is_avalanching = void;
  size_t operator()(std::string_view s) const noexcept { return StringPool::hash(s); }
};

template <class V>
using NameMap = boost::unordered_flat_map<std::string, V, StringHash, std::equal_to<>>;

}  // namespace scorec::runtime
