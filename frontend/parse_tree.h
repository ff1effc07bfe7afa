// The parse both the AST builder and the formatter run over a token stream (an
// internal header: it exposes ANTLR's types). SLL first: fast, and exact for every
// input it accepts; only a failure re-parses with full LL, reporting errors through
// `on_error`.
#pragma once

#include <memory>

#include <antlr4-runtime.h>

#include "ScoreParser.h"

namespace scorec::frontend {

grammar::ScoreParser::File_Context* parse_file(grammar::ScoreParser& parser, antlr4::CommonTokenStream& tokens,
                                               std::shared_ptr<antlr4::ANTLRErrorStrategy> on_error);

}  // namespace scorec::frontend
