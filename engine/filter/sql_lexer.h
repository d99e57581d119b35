// sql_lexer.h: tokens of RocketMQ's SQL92 filter language (the token section of Java's
// SelectorParser.jj, 4.8.0).
//
//   whitespace   ' ' \t \n \r \f
//   comments     -- to the end of the line;  /* ... */
//   keywords     NOT AND OR BETWEEN IN TRUE FALSE NULL IS (any letter case)
//   identifiers  [A-Za-z_$][A-Za-z0-9_$]* (case kept: property names are case-sensitive)
//   decimal      0 | [1-9][0-9]*[lL]?      ("007" is three tokens, as in Java)
//   float        1.5  1.  .5  1e5  1.5E-3  (no sign: '-' is an operator)
//   string       'it''s'  ('' is a quote; may span lines)
//   operators    = <> > >= < <= ( ) , + -
//
// Longest match wins; a keyword beats an identifier of the same length. CONTAINS, STARTSWITH
// and ENDSWITH (RocketMQ 5) are lexed as identifiers; the parser treats them as operators
// only where an operator is expected, so 4.x expressions naming such properties still work.
// A "--" with no line end after it is two '-' tokens in Java; the first is flagged so the
// parser can accept it as a comment when it trails a complete expression.
//
// Pure functions; tokens borrow the input text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace tern::filter {

enum class TokenKind : uint8_t {
  kEnd,
  kId,
  kDecimal,
  kFloat,
  kString,
  kNot,
  kAnd,
  kOr,
  kBetween,
  kIn,
  kTrue,
  kFalse,
  kNull,
  kIs,
  kEq,
  kNe,
  kGt,
  kGe,
  kLt,
  kLe,
  kLParen,
  kRParen,
  kComma,
  kPlus,
  kMinus,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // the token's characters (quotes included for strings)
  size_t offset = 0;      // byte offset in the input
  // kMinus only: this '-' starts a "--" that no line end follows (see above).
  bool trailing_comment = false;
};

// Splits `input` into tokens ending with one kEnd. InvalidArgument names the line and column
// of the first character no token matches (or of an unterminated string or comment).
absl::StatusOr<std::vector<Token>> Tokenize(std::string_view input);

// "line L, column C" (1-based; columns count bytes) of `offset` in `input`.
std::string DescribePosition(std::string_view input, size_t offset);

// A readable name for error messages: the token text, or "end of expression".
std::string DescribeToken(const Token& token);

// The value of a string literal token: quotes removed, '' turned into '.
std::string DecodeStringLiteral(std::string_view text);

// ASCII case-insensitive equality (keywords).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace tern::filter
