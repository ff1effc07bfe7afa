// A compact, versioned binary form of a compiled rule set: everything scoring needs
// (schema, strings, state layout, aggregates, rules with their expressions, scores,
// grades, segments), not the `test` blocks. Ahead-of-time objects (`scorec compile`)
// carry it, so a program that links one knows the rules' schema and outputs without
// the frontend.
//
// Layout: the magic "SCIR", a little-endian uint32 format version, then the program's
// fields in declaration order. Integers are LEB128 varints (signed ones zigzagged),
// doubles their 8 IEEE bytes little-endian, strings and vectors a varint count first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ir/program.h"
#include "support/expected.h"

namespace scorec::ir {

// Bump on any change to the layout; readers accept only their own version.
constexpr uint32_t kSerializeFormatVersion = 1;
// Deeper expressions are refused when reading (they would exhaust the stack).
constexpr int kMaxSerializedExprDepth = 1000;

std::string serialize_program(const Program& program);

// The program `bytes` hold. Every read is bounds-checked and the result is checked for
// structural consistency (ir/validate.h), so truncated, corrupt or foreign input gives
// an Error, never undefined behaviour. Program::tests is left empty.
Expected<Program> deserialize_program(std::string_view bytes);

}  // namespace scorec::ir
