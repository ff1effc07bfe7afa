// The scorec rules language. The parse tree is turned into the AST by
// frontend/ast_builder.cpp; everything that can be said better in a checker than in
// a grammar (unknown decay kinds, types, constant-ness) is left to the frontend, so the
// grammar stays small and its errors stay about punctuation.
grammar Score;

file_ : item* EOF ;

item
  : importDecl
  | eventDecl
  | profileDecl
  | constDecl
  | scoreDecl
  | gradeDecl
  | segmentDecl
  | testDecl
  ;

importDecl  : IMPORT STRING ;
eventDecl   : EVENT IDENT '{' fieldList? '}' ;
profileDecl : PROFILE '{' fieldList? '}' ;
fieldList   : field (',' field)* ','? ;
field       : IDENT ':' typeRef ;
typeRef     : IDENT ('<' IDENT '>')? ;
constDecl   : CONST IDENT '=' expr ;

scoreDecl : SCORE IDENT '{' scoreItem* '}' ;
scoreItem
  : DECAY IDENT expr?                      # decayItem
  | WINDOW expr                            # windowItem
  | ON IDENT (WHEN expr | weight)? modifier* # onRule
  | WHEN expr                              # whenRule
  | SCALE IDENT range (TO range)?          # scaleItem
  | TIERS '{' tierList '}'                 # tiersItem
  ;

gradeDecl : GRADE IDENT '{' gradeItem* '}' ;
gradeItem
  : WHEN expr                              # gradeWhen
  | LETTERS '{' tierList '}'               # gradeLetters
  ;

segmentDecl : SEGMENT IDENT '=' expr ;

// `test "name" { profile {..} events {..} as_of T expect ... }`: one user scored alone.
// `events`, `as_of` and `within` are plain names here (the AST builder checks them), so
// they stay usable as names elsewhere; an expectation is an expression the checker
// takes apart (`engagement.tier == high`, `dormant_30`, `not dormant_30`).
testDecl : TEST STRING '{' testItem* '}' ;
testItem
  : PROFILE '{' testFieldList? '}'         # testProfile
  | IDENT '{' testEvent* '}'               # testEvents
  | EXPECT expr (IDENT range)?             # testExpect
  | IDENT expr                             # testAsOf
  ;
testEvent     : TIMESTAMP IDENT ('{' testFieldList? '}')? ;
testFieldList : testField (',' testField)* ','? ;
testField     : IDENT ':' expr ;

// A weight is a sign and an expression: `+3`, `-20`, `+ amount * 0.01`. After a
// condition the expression rule is greedy and always swallows the weight; the AST
// builder splits the condition's last top-level `+`/`-` term back off (parser.cpp,
// split_weight). So no `weight` follows a condition here: offering one made every `+`
// of a condition ambiguous to ANTLR's prediction, which then read ahead to the end of
// the rule at each `+` (minutes for a few hundred terms).
weight   : sign=('+' | '-') expr ;
modifier
  : CAP expr (PER expr)?                   # capModifier
  | LIMIT expr (PER expr)?                 # limitModifier
  | ONCE                                   # onceModifier
  ;
range    : expr '..' expr ;
tierList : tier (',' tier)* ','? ;
tier     : IDENT ('>=' expr | expr '..' expr)? ;

// Precedence, tightest first: postfix, unary minus, * / %, + -, ??, comparisons and
// `in`, not, and, or.
expr
  : primary                                          # primaryExpr
  | '-' expr                                         # negExpr
  | expr op=('*' | '/' | '%') expr                   # mulExpr
  | expr op=('+' | '-') expr                         # addExpr
  | <assoc=right> expr '??' expr                     # coalesceExpr
  | expr op=('<' | '<=' | '>' | '>=' | '==' | '!=') expr # cmpExpr
  | expr NOT? IN expr                                # inExpr
  | NOT expr                                         # notExpr
  | expr AND expr                                    # andExpr
  | expr OR expr                                     # orExpr
  ;

primary
  : NUMBER                                 # numberLit
  | DURATION                               # durationLit
  | BAD_DURATION                           # badDurationLit
  | TIMESTAMP                              # timestampLit
  | STRING                                 # stringLit
  | (TRUE | FALSE)                         # boolLit
  | NULL_                                  # nullLit
  | IDENT '(' (expr (',' expr)*)? ')'      # callExpr
  | name ('.' name)?                       # nameExpr
  | '[' (expr (',' expr)* ','?)? ']'       # listLit
  | '(' expr ')'                           # parenExpr
  ;

// `profile.plan`, `purchase.amount`, `engagement.tier`: a few keywords are also
// valid as the parts of a qualified name.
name : IDENT | PROFILE | SCORE | GRADE | SEGMENT | EVENT ;

IMPORT  : 'import' ;
EVENT   : 'event' ;
PROFILE : 'profile' ;
CONST   : 'const' ;
SCORE   : 'score' ;
GRADE   : 'grade' ;
SEGMENT : 'segment' ;
TEST    : 'test' ;
EXPECT  : 'expect' ;
DECAY   : 'decay' ;
WINDOW  : 'window' ;
ON      : 'on' ;
WHEN    : 'when' ;
SCALE   : 'scale' ;
TO      : 'to' ;
TIERS   : 'tiers' ;
LETTERS : 'letters' ;
CAP     : 'cap' ;
PER     : 'per' ;
LIMIT   : 'limit' ;
ONCE    : 'once' ;
AND     : 'and' ;
OR      : 'or' ;
NOT     : 'not' ;
IN      : 'in' ;
TRUE    : 'true' ;
FALSE   : 'false' ;
NULL_   : 'null' ;

// 2024-03-01, 2024-03-01T10:00:00Z, 2024-03-01T10:00:00.250+02:00
TIMESTAMP
  : DIGIT DIGIT DIGIT DIGIT '-' DIGIT DIGIT '-' DIGIT DIGIT
    ('T' DIGIT DIGIT ':' DIGIT DIGIT (':' DIGIT DIGIT ('.' DIGIT+)?)?
      ('Z' | ('+' | '-') DIGIT DIGIT ':' DIGIT DIGIT)?)?
  ;
// 45s, 90min, 12h, 1.5h, 30d, 2w, 6mo (a month is 30 days). A bare `m` is no unit: a
// marketer writing `6m` means months, a programmer minutes (docs/language.md).
DURATION : DIGIT+ ('.' DIGIT+)? ('s' | 'min' | 'h' | 'd' | 'w' | 'mo') ;
NUMBER   : DIGIT+ ('.' DIGIT+)? ([eE] [+-]? DIGIT+)? ;
// A number glued to a word people write for a unit that is none (6m, 1month, 30days):
// one token, so the error names the unit and what to write. Only these words: `30and`
// stays 30 followed by `and`.
BAD_DURATION : DIGIT+ ('.' DIGIT+)? BAD_UNIT ;
fragment BAD_UNIT
  : 'm' | 'sec' | 'secs' | 'second' | 'seconds' | 'mins' | 'minute' | 'minutes'
  | 'hr' | 'hrs' | 'hour' | 'hours' | 'day' | 'days' | 'wk' | 'wks' | 'week' | 'weeks'
  | 'mon' | 'mos' | 'month' | 'months' | 'y' | 'yr' | 'yrs' | 'year' | 'years'
  ;
STRING   : '"' (~["\\\r\n] | '\\' .)* '"' ;
IDENT    : [a-zA-Z_] [a-zA-Z0-9_]* ;

// Comments go to the hidden channel: the parser never sees them (parse_module hands it
// only the default channel), and `scorec fmt` reads them back from the token stream.
LINE_COMMENT  : ('//' | '#') ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS            : [ \t\r\n]+ -> skip ;
// Anything else becomes one token the parser rejects, so a stray character is
// reported by the parser with its position instead of by the lexer's default text.
UNKNOWN_CHAR  : . ;

fragment DIGIT : [0-9] ;
