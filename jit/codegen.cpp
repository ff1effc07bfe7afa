#include "jit/codegen.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "ir/builder.h"
#include "ir/semantics.h"
#include "runtime/event_batch.h"

namespace scorec::jit {
namespace {

using ir::Op;
using llvm::BasicBlock;
using llvm::Value;

// A value of the language: its double payload and whether it is present (not null).
struct Val {
  Value* v;
  Value* ok;
};

class CodeGen {
 public:
  CodeGen(const ir::Program& p, llvm::LLVMContext& ctx)
      : p_(p), ctx_(ctx), m_(std::make_unique<llvm::Module>("scorec_rules", ctx)), b_(ctx) {
    f64_ = llvm::Type::getDoubleTy(ctx);
    i1_ = llvm::Type::getInt1Ty(ctx);
    i8_ = llvm::Type::getInt8Ty(ctx);
    i16_ = llvm::Type::getInt16Ty(ctx);
    i32_ = llvm::Type::getInt32Ty(ctx);
    i64_ = llvm::Type::getInt64Ty(ctx);
    ptr_ = llvm::PointerType::getUnqual(ctx);
    batch_ty_ = llvm::StructType::create(ctx, {ptr_, ptr_, ptr_, ptr_, ptr_}, "BatchView");
    run_ty_ = llvm::StructType::create(ctx, {f64_, ptr_, i64_, ptr_, ptr_, i64_, ptr_, ptr_, ptr_}, "RunView");
    out_ty_ = llvm::StructType::create(ctx, {ptr_, ptr_, ptr_, ptr_, ptr_, ptr_}, "OutputsView");
  }

  std::unique_ptr<llvm::Module> run() {
    gen_update();
    // limit_optimization() sets split_blocks_ for the function being generated.
    for (size_t s = 0; s < p_.scores.size(); ++s, split_blocks_ = false) gen_terms(score_terms_name(s), p_.scores[s].terms);
    for (size_t g = 0; g < p_.grades.size(); ++g, split_blocks_ = false) gen_terms(grade_points_name(g), p_.grades[g].terms);
    for (size_t k = 0; k < p_.segments.size(); ++k, split_blocks_ = false) gen_segment(k);
    return std::move(m_);
  }

 private:
  // What an expression may read in the function being generated. Base pointers are
  // loaded once, in the entry block, so the loop body holds no reloads of them.
  struct Env {
    llvm::Function* fn = nullptr;
    BasicBlock* entry = nullptr;
    Value* batch = nullptr;
    Value* run = nullptr;
    Value* outputs = nullptr;
    Value* row = nullptr;        // i64, event functions
    Value* user = nullptr;       // i64
    Value* state_row = nullptr;  // double*
    Value* as_of = nullptr;
    Value* strings = nullptr;
    std::map<int, Value*> col_values, col_valid, prof_values, prof_valid;
    std::map<int, Value*> out_fields;
  };

  // ----- helpers ----------------------------------------------------------------------

  Value* f64c(double d) { return llvm::ConstantFP::get(f64_, d); }
  Value* i64c(uint64_t v) { return llvm::ConstantInt::get(i64_, v); }
  Value* truth() { return llvm::ConstantInt::getTrue(ctx_); }
  Value* bool_f64(Value* bit) { return b_.CreateUIToFP(bit, f64_); }

  // Inserts at the end of the entry block (before its branch).
  template <class F>
  Value* in_entry(Env& env, F&& make) {
    llvm::IRBuilderBase::InsertPointGuard guard(b_);
    b_.SetInsertPoint(env.entry->getTerminator());
    return make();
  }

  Value* field(Value* base, llvm::StructType* ty, unsigned idx, llvm::Type* loaded) {
    return b_.CreateLoad(loaded, b_.CreateStructGEP(ty, base, idx));
  }

  Value* indexed_ptr(Env& env, std::map<int, Value*>& cache, Value* base, llvm::StructType* ty, unsigned field_idx,
                     int index) {
    auto it = cache.find(index);
    if (it != cache.end()) return it->second;
    Value* p = in_entry(env, [&] {
      Value* arr = field(base, ty, field_idx, ptr_);
      return b_.CreateLoad(ptr_, b_.CreateConstInBoundsGEP1_64(ptr_, arr, static_cast<uint64_t>(index)));
    });
    cache[index] = p;
    return p;
  }

  llvm::Function* intrinsic(llvm::Intrinsic::ID id) { return llvm::Intrinsic::getDeclaration(m_.get(), id, {f64_}); }

  // ----- expressions ----------------------------------------------------------------

  Val not_nan(Value* v) { return {v, b_.CreateFCmpORD(v, v)}; }

  Val expr(const ir::Expr& e, Env& env) {
    switch (e.op) {
      case Op::Const:
        return {f64c(e.valid ? e.value : 0.0), llvm::ConstantInt::get(i1_, e.valid)};
      case Op::EventProp:
        return column_value(env.row, indexed_ptr(env, env.col_values, env.batch, batch_ty_, 3, e.index),
                            indexed_ptr(env, env.col_valid, env.batch, batch_ty_, 4, e.index));
      case Op::ProfileAttr:
        // The engine grows the profile table to every user before calling, so the
        // user's row always exists.
        return column_value(env.user, indexed_ptr(env, env.prof_values, env.run, run_ty_, 3, e.index),
                            indexed_ptr(env, env.prof_valid, env.run, run_ty_, 4, e.index));
      case Op::AggRead:
        return agg_read(e, env);
      case Op::AsOf:
        return {env.as_of, truth()};
      // A NaN raw score, scaled score or points is null, as in ir::Value::of.
      case Op::ScoreRaw:
        return not_nan(out_double(env, 0, e.index));
      case Op::ScoreValue:
        return not_nan(out_double(env, 1, e.index));
      case Op::GradePoints:
        return not_nan(out_double(env, 3, e.index));
      case Op::ScoreTier:
      case Op::GradeLetter: {
        Value* id = out_int(env, e.op == Op::ScoreTier ? 2 : 4, e.index);
        return {b_.CreateSIToFP(id, f64_), b_.CreateICmpSGE(id, llvm::ConstantInt::get(i32_, 0))};
      }
      case Op::SegmentRef: {
        Value* base = out_base(env, 5);
        Value* s = b_.CreateLoad(i8_, b_.CreateConstInBoundsGEP1_64(i8_, base, static_cast<uint64_t>(e.index)));
        return {bool_f64(b_.CreateICmpNE(s, llvm::ConstantInt::get(i8_, 0))), truth()};
      }
      case Op::ListLit:
        return {f64c(0), llvm::ConstantInt::getFalse(ctx_)};
      case Op::Neg: case Op::Not: case Op::Has: case Op::And: case Op::Or: case Op::Coalesce:
      case Op::InSet: case Op::ListContains: case Op::Call:
      case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Mod:
      case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne:
        return compound(e, env);
    }
    return {f64c(0), llvm::ConstantInt::getFalse(ctx_)};
  }

  // The operations on operands. Kept out of expr() so the frame that recursion repeats
  // stays small: a condition may be a chain of thousands of terms.
  [[gnu::noinline]] Val compound(const ir::Expr& e, Env& env) {
    maybe_split_block();
    switch (e.op) {
      case Op::Neg: {
        Val a = expr(e.args[0], env);
        return {b_.CreateFNeg(a.v), a.ok};
      }
      case Op::Not: {
        Val a = expr(e.args[0], env);
        return {bool_f64(b_.CreateFCmpOEQ(a.v, f64c(0))), a.ok};
      }
      case Op::Has: {
        Val a = expr(e.args[0], env);
        return {bool_f64(a.ok), truth()};
      }
      case Op::And:
      case Op::Or:
        return logic(e, env);
      case Op::Coalesce: {
        Val a = expr(e.args[0], env);
        Val c = expr(e.args[1], env);
        return {b_.CreateSelect(a.ok, a.v, c.v), b_.CreateOr(a.ok, c.ok)};
      }
      case Op::InSet: {
        Val a = expr(e.args[0], env);
        Value* found = in_set(e, a.v);
        if (e.index == 1) found = b_.CreateNot(found);
        return {bool_f64(b_.CreateAnd(a.ok, found)), truth()};
      }
      case Op::ListContains: {
        Val a = expr(e.args[0], env);
        Val l = expr(e.args[1], env);
        auto* fty = llvm::FunctionType::get(f64_, {ptr_, f64_, f64_}, false);
        auto callee = m_->getOrInsertFunction(kListContains, fty);
        Value* found = b_.CreateFCmpUNE(b_.CreateCall(callee, {env.strings, l.v, a.v}), f64c(0));
        if (e.index == 1) found = b_.CreateNot(found);
        return {bool_f64(b_.CreateAnd(b_.CreateAnd(a.ok, l.ok), found)), truth()};
      }
      case Op::Call:
        return call(e, env);
      case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Mod:
      case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne:
        return binary(e, env);
      case Op::Const: case Op::EventProp: case Op::ProfileAttr: case Op::AggRead: case Op::AsOf:
      case Op::ScoreRaw: case Op::ScoreValue: case Op::ScoreTier: case Op::GradePoints: case Op::GradeLetter:
      case Op::SegmentRef: case Op::ListLit:
        break;  // expr() generates these itself
    }
    return expr(e, env);
  }

  // Whether `x` equals one of the list's (non-null) constants, as the interpreter's
  // `==` scan. A short list is a chain of compares; a long one a sorted constant table
  // searched branch-free (log2 n loads and selects), so code size and compile time
  // do not grow with the list and the search stays straight-line (vectorizable).
  static constexpr size_t kCompareChainMax = 8;

  Value* in_set(const ir::Expr& e, Value* x) {
    std::vector<double> items;
    for (size_t i = 1; i < e.args.size(); ++i)
      if (e.args[i].valid && !std::isnan(e.args[i].value)) items.push_back(e.args[i].value);
    if (items.size() <= kCompareChainMax) {
      Value* found = llvm::ConstantInt::getFalse(ctx_);
      for (double v : items) found = b_.CreateOr(found, b_.CreateFCmpOEQ(x, f64c(v)));
      return found;
    }
    // Sorted and without repeats (-0.0 and 0.0 are one value for ==, as for <).
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    auto* ty = llvm::ArrayType::get(f64_, items.size());
    auto* table = new llvm::GlobalVariable(*m_, ty, true, llvm::GlobalValue::PrivateLinkage,
                                           llvm::ConstantDataArray::get(ctx_, items), "in_set");
    // The last element <= x: base moves up by half while table[base + half] <= x. A NaN x
    // compares false everywhere and is not found.
    Value* base = i64c(0);
    for (uint64_t len = items.size(); len > 1;) {
      uint64_t half = len / 2;
      Value* probe = b_.CreateAdd(base, i64c(half));
      Value* at = b_.CreateLoad(f64_, b_.CreateInBoundsGEP(f64_, table, probe));
      base = b_.CreateSelect(b_.CreateFCmpOLE(at, x), probe, base);
      len -= half;
    }
    return b_.CreateFCmpOEQ(b_.CreateLoad(f64_, b_.CreateInBoundsGEP(f64_, table, base)), x);
  }

  // Row `index` of a column: its value and its validity byte.
  Val column_value(Value* index, Value* values, Value* valid) {
    Value* v = b_.CreateLoad(f64_, b_.CreateInBoundsGEP(f64_, values, index));
    Value* ok =
        b_.CreateICmpNE(b_.CreateLoad(i8_, b_.CreateInBoundsGEP(i8_, valid, index)), llvm::ConstantInt::get(i8_, 0));
    return {v, ok};
  }

  Value* out_base(Env& env, unsigned field_idx) {
    auto it = env.out_fields.find(static_cast<int>(field_idx));
    if (it != env.out_fields.end()) return it->second;
    Value* p = in_entry(env, [&] { return field(env.outputs, out_ty_, field_idx, ptr_); });
    env.out_fields[static_cast<int>(field_idx)] = p;
    return p;
  }
  Value* out_double(Env& env, unsigned field_idx, int index) {
    return b_.CreateLoad(f64_,
                         b_.CreateConstInBoundsGEP1_64(f64_, out_base(env, field_idx), static_cast<uint64_t>(index)));
  }
  Value* out_int(Env& env, unsigned field_idx, int index) {
    return b_.CreateLoad(i32_,
                         b_.CreateConstInBoundsGEP1_64(i32_, out_base(env, field_idx), static_cast<uint64_t>(index)));
  }

  Value* slot_ptr(Env& env, int slot) {
    return b_.CreateConstInBoundsGEP1_64(f64_, env.state_row, static_cast<uint64_t>(slot));
  }
  Value* load_slot(Env& env, int slot) { return b_.CreateLoad(f64_, slot_ptr(env, slot)); }

  // As the interpreter's agg_read, by ir::agg_info(kind).read.
  Val agg_read(const ir::Expr& e, Env& env) {
    Value* value = load_slot(env, e.index);
    switch (ir::agg_info(e.agg).read) {
      case ir::AggRead::Value:
        return {value, truth()};
      case ir::AggRead::Mean: {
        Value* count = load_slot(env, e.index2);
        return {b_.CreateFDiv(value, count), b_.CreateFCmpOGT(count, f64c(0))};
      }
      case ir::AggRead::ValueIfAny: {
        Value* count = load_slot(env, e.index2);
        return {value, b_.CreateFCmpOGT(count, f64c(0))};
      }
    }
    return {value, llvm::ConstantInt::getFalse(ctx_)};
  }

  // Kleene logic, as ir::apply_binary: false wins for and, true wins for or.
  [[gnu::noinline]] Val logic(const ir::Expr& e, Env& env) {
    Val a = expr(e.args[0], env);
    Val c = expr(e.args[1], env);
    Value* a_true = b_.CreateAnd(a.ok, b_.CreateFCmpUNE(a.v, f64c(0)));
    Value* a_false = b_.CreateAnd(a.ok, b_.CreateFCmpOEQ(a.v, f64c(0)));
    Value* c_true = b_.CreateAnd(c.ok, b_.CreateFCmpUNE(c.v, f64c(0)));
    Value* c_false = b_.CreateAnd(c.ok, b_.CreateFCmpOEQ(c.v, f64c(0)));
    Value* both = b_.CreateAnd(a.ok, c.ok);
    if (e.op == Op::And) {
      Value* any_false = b_.CreateOr(a_false, c_false);
      return {bool_f64(b_.CreateNot(any_false)), b_.CreateOr(any_false, both)};
    }
    Value* any_true = b_.CreateOr(a_true, c_true);
    return {bool_f64(any_true), b_.CreateOr(any_true, both)};
  }

  [[gnu::noinline]] Val binary(const ir::Expr& e, Env& env) {
    Val a = expr(e.args[0], env);
    Val c = expr(e.args[1], env);
    Value* both = b_.CreateAnd(a.ok, c.ok);
    auto arith = [&](Value* r, Value* extra_ok) -> Val {
      // Value::of: a NaN result is null.
      Value* ok = b_.CreateAnd(both, b_.CreateFCmpORD(r, r));
      if (extra_ok) ok = b_.CreateAnd(ok, extra_ok);
      return {r, ok};
    };
    auto cmp = [&](Value* bit) -> Val { return {bool_f64(b_.CreateAnd(both, bit)), truth()}; };
    switch (e.op) {
      case Op::Add:
        return arith(b_.CreateFAdd(a.v, c.v), nullptr);
      case Op::Sub:
        return arith(b_.CreateFSub(a.v, c.v), nullptr);
      case Op::Mul:
        return arith(b_.CreateFMul(a.v, c.v), nullptr);
      case Op::Div:
        return arith(b_.CreateFDiv(a.v, c.v), b_.CreateFCmpUNE(c.v, f64c(0)));
      case Op::Mod:
        return arith(b_.CreateFRem(a.v, c.v), b_.CreateFCmpUNE(c.v, f64c(0)));
      case Op::Lt:
        return cmp(b_.CreateFCmpOLT(a.v, c.v));
      case Op::Le:
        return cmp(b_.CreateFCmpOLE(a.v, c.v));
      case Op::Gt:
        return cmp(b_.CreateFCmpOGT(a.v, c.v));
      case Op::Ge:
        return cmp(b_.CreateFCmpOGE(a.v, c.v));
      case Op::Eq:
        return cmp(b_.CreateFCmpOEQ(a.v, c.v));
      case Op::Ne:
        return cmp(b_.CreateFCmpUNE(a.v, c.v));
      case Op::Const: case Op::EventProp: case Op::ProfileAttr: case Op::AggRead: case Op::AsOf:
      case Op::ScoreRaw: case Op::ScoreValue: case Op::ScoreTier: case Op::GradePoints: case Op::GradeLetter:
      case Op::SegmentRef: case Op::ListLit:
      case Op::Neg: case Op::Not: case Op::Has: case Op::And: case Op::Or: case Op::Coalesce:
      case Op::InSet: case Op::ListContains: case Op::Call:
        break;  // not arithmetic or a comparison
    }
    return {f64c(0), llvm::ConstantInt::getFalse(ctx_)};
  }

  // Builtins: the simple numeric ones inline as LLVM operations with the registry's
  // exact semantics; the rest call the registry's implementation. Null in, null out.
  [[gnu::noinline]] Val call(const ir::Expr& e, Env& env) {
    std::vector<Val> args;
    Value* all_ok = truth();
    for (const auto& a : e.args) {
      args.push_back(expr(a, env));
      all_ok = b_.CreateAnd(all_ok, args.back().ok);
    }
    Value* r = nullptr;
    using builtins::Id;
    switch (e.fn) {
      case Id::Min:
      case Id::Max: {
        // std::min(v, x) keeps v unless x < v (std::max: unless v < x).
        r = args[0].v;
        for (size_t i = 1; i < args.size(); ++i) {
          Value* x = args[i].v;
          Value* take = e.fn == Id::Min ? b_.CreateFCmpOLT(x, r) : b_.CreateFCmpOLT(r, x);
          r = b_.CreateSelect(take, x, r);
        }
        break;
      }
      case Id::Abs:
        r = b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, args[0].v);
        break;
      case Id::Floor:
        r = b_.CreateUnaryIntrinsic(llvm::Intrinsic::floor, args[0].v);
        break;
      case Id::Ceil:
        r = b_.CreateUnaryIntrinsic(llvm::Intrinsic::ceil, args[0].v);
        break;
      case Id::Clamp: case Id::Log: case Id::Log10: case Id::Sqrt: case Id::Round: case Id::Pow: case Id::Exp:
      case Id::Contains: case Id::StartsWith: case Id::EndsWith: case Id::Lower: case Id::Upper: case Id::Len:
      case Id::ListLen:
      case Id::Count_:  // not a builtin: the validator rejects it before code generation
        r = call_registry(e, args, env);
        break;
    }
    return {r, b_.CreateAnd(all_ok, b_.CreateFCmpORD(r, r))};
  }

  Value* call_registry(const ir::Expr& e, const std::vector<Val>& args, Env& env) {
    // args live in a stack array sized for this call; the call is guarded so it only
    // runs on non-null arguments.
    Value* all_ok = truth();
    for (const auto& a : args) all_ok = b_.CreateAnd(all_ok, a.ok);
    llvm::Function* fn = env.fn;
    BasicBlock* do_call = BasicBlock::Create(ctx_, "call", fn);
    BasicBlock* done = BasicBlock::Create(ctx_, "call.done", fn);
    BasicBlock* from = b_.GetInsertBlock();
    b_.CreateCondBr(all_ok, do_call, done);
    b_.SetInsertPoint(do_call);
    Value* buf = in_entry(env, [&] { return b_.CreateAlloca(f64_, i64c(std::max<size_t>(1, args.size()))); });
    for (size_t i = 0; i < args.size(); ++i) b_.CreateStore(args[i].v, b_.CreateConstInBoundsGEP1_64(f64_, buf, i));
    auto* fty = llvm::FunctionType::get(f64_, {i32_, ptr_, i32_, ptr_}, false);
    auto callee = m_->getOrInsertFunction(kCallBuiltin, fty);
    Value* r = b_.CreateCall(callee, {llvm::ConstantInt::get(i32_, static_cast<uint32_t>(e.fn)), buf,
                                      llvm::ConstantInt::get(i32_, static_cast<uint32_t>(args.size())), env.strings});
    BasicBlock* call_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* phi = b_.CreatePHI(f64_, 2);
    phi->addIncoming(f64c(std::nan("")), from);
    phi->addIncoming(r, call_end);
    return phi;
  }

  // ----- functions ------------------------------------------------------------------

  Env begin_function(llvm::Function* fn, Value* run) {
    Env env;
    env.fn = fn;
    env.entry = BasicBlock::Create(ctx_, "entry", fn);
    BasicBlock* body = BasicBlock::Create(ctx_, "body", fn);
    b_.SetInsertPoint(env.entry);
    b_.CreateBr(body);
    b_.SetInsertPoint(env.entry->getTerminator());
    env.run = run;
    env.as_of = field(run, run_ty_, 0, f64_);
    env.strings = field(run, run_ty_, 8, ptr_);
    b_.SetInsertPoint(body);
    return env;
  }

  Value* user_state(Env& env, Value* user64) {
    Value* state = in_entry(env, [&] { return field(env.run, run_ty_, 1, ptr_); });
    Value* offset = b_.CreateMul(user64, i64c(p_.slots.size()));
    return b_.CreateInBoundsGEP(f64_, state, offset);
  }

  void bump(Value* ptr, llvm::Type* ty) {
    Value* v = b_.CreateLoad(ty, ptr);
    b_.CreateStore(b_.CreateAdd(v, llvm::ConstantInt::get(ty, 1)), ptr);
  }

  // Whether generating `e` creates no branches or calls: such expressions can be
  // evaluated for every event of a block, in the vectorizable first pass.
  static bool straight_line(const ir::Expr& e) {
    if (e.op == Op::ListContains) return false;
    if (e.op == Op::Call && e.fn != builtins::Id::Min && e.fn != builtins::Id::Max && e.fn != builtins::Id::Abs &&
        e.fn != builtins::Id::Floor && e.fn != builtins::Id::Ceil)
      return false;
    for (const auto& a : e.args)
      if (!straight_line(a)) return false;
    return true;
  }

  // An event type is "simple" when all its work is rules without caps or count limits
  // whose expressions are straight-line: their contributions are then computed
  // branch-free in the first pass and added to the state by a branch-free scatter.
  // Other event types go through the scalar dispatch of the second pass, all their
  // rules there, so every state slot still receives its additions in rule order.
  // The first pass runs every simple rule for every event and keeps a lane of kBlock
  // doubles per rule of the busiest type, so it is bounded: a type with many or large
  // rules, or one past the pass's budget, takes the scalar path (same results).
  bool simple_type(size_t ev) const {
    if (!p_.aggs_by_event[ev].empty() || p_.rules_by_event[ev].empty()) return false;
    if (p_.rules_by_event[ev].size() > kMaxLanes) return false;
    for (int ri : p_.rules_by_event[ev]) {
      const auto& r = p_.rules[ri];
      if (r.cap > 0 || r.limit > 0) return false;
      if ((r.has_cond && !straight_line(r.cond)) || !straight_line(r.weight)) return false;
      if (rule_cost(r) > kMaxSimpleRuleCost) return false;
    }
    return true;
  }

  // Code size, roughly: the nodes of a rule's expressions. It decides what the first
  // pass takes and how the scalar work is split into functions.
  static size_t cost(const ir::Expr& e) {
    size_t n = 1;
    for (const auto& a : e.args) n += cost(a);
    return n;
  }
  static size_t rule_cost(const ir::EventRule& r) { return 4 + (r.has_cond ? cost(r.cond) : 0) + cost(r.weight); }
  size_t type_cost(size_t ev) const {
    size_t n = 4 * p_.aggs_by_event[ev].size();
    for (int ri : p_.rules_by_event[ev]) n += rule_cost(p_.rules[ri]);
    return n;
  }

  static constexpr size_t kMaxLanes = 16;
  static constexpr size_t kMaxSimpleRuleCost = 64;
  static constexpr size_t kSimpleBudget = 1024;
  // The optimizer and register allocator slow down more than linearly with a
  // function's size, so scalar work past these budgets goes to functions of its own
  // (called in rule order, so the state sees the same additions in the same order).
  static constexpr size_t kInlineBudget = 1024;
  static constexpr size_t kChunkCost = 256;
  // One huge expression (thousands of terms) is left unoptimized: LLVM's passes are
  // superlinear on its long dependency chains, and IEEE arithmetic gives the same
  // doubles either way. It is always alone in its function (chunks close at kChunkCost).
  static constexpr size_t kOptimizeMaxCost = 1024;

  // Code generation's machine combiner ignores `optnone` and is quadratic in a basic
  // block's length, so such a function's expressions are cut into blocks of
  // kSplitNodes nodes (an unconditional branch; nothing optimizes them back together).
  static constexpr size_t kSplitNodes = 128;

  void limit_optimization(llvm::Function* fn, size_t cost) {
    split_blocks_ = cost > kOptimizeMaxCost;
    nodes_in_block_ = 0;
    if (!split_blocks_) return;
    fn->addFnAttr(llvm::Attribute::NoInline);
    fn->addFnAttr(llvm::Attribute::OptimizeNone);
  }

  void maybe_split_block() {
    if (!split_blocks_ || ++nodes_in_block_ < kSplitNodes) return;
    nodes_in_block_ = 0;
    BasicBlock* cont = BasicBlock::Create(ctx_, "cont", b_.GetInsertBlock()->getParent());
    b_.CreateBr(cont);
    b_.SetInsertPoint(cont);
  }

  // The decay factor of an age, as ir::decay_factor (HalfLife uses ir::decay_exp2,
  // generated operation by operation).
  Value* decay(ir::DecayKind kind, double param, Value* age) {
    switch (kind) {
      case ir::DecayKind::None:
        return f64c(1);
      case ir::DecayKind::Linear: {
        Value* x = b_.CreateFSub(f64c(1), b_.CreateFDiv(age, f64c(param)));
        return b_.CreateSelect(b_.CreateFCmpOLT(f64c(0), x), x, f64c(0));  // std::max(0.0, x)
      }
      case ir::DecayKind::HalfLife:
        return half_life(param, age);
    }
    return f64c(1);
  }

  Value* half_life(double param, Value* age) {
    Value* x = b_.CreateFDiv(b_.CreateFNeg(age), f64c(param));
    x = b_.CreateSelect(b_.CreateFCmpOGE(x, f64c(ir::kExp2Floor)), x, f64c(ir::kExp2Floor));  // NaN too
    x = b_.CreateSelect(b_.CreateFCmpOGT(x, f64c(0.0)), f64c(0.0), x);
    Value* n = b_.CreateUnaryIntrinsic(llvm::Intrinsic::floor, b_.CreateFAdd(x, f64c(0.5)));
    Value* t = b_.CreateFMul(b_.CreateFSub(x, n), f64c(ir::kLn2));
    Value* poly = f64c(ir::kExp2Taylor[13]);
    for (int k = 12; k >= 0; --k) poly = b_.CreateFAdd(b_.CreateFMul(poly, t), f64c(ir::kExp2Taylor[k]));
    // 2^n as two normal powers, so that small factors underflow gradually to 0.
    Value* whole = b_.CreateFPToSI(n, i64_);
    Value* half = b_.CreateAShr(whole, i64c(1));
    auto pow2 = [&](Value* e) { return b_.CreateBitCast(b_.CreateShl(b_.CreateAdd(e, i64c(1023)), i64c(52)), f64_); };
    return b_.CreateFMul(b_.CreateFMul(poly, pow2(half)), pow2(b_.CreateSub(whole, half)));
  }

  // The per-event loop, in blocks of kBlock events. For each block, a first pass
  // computes every decay factor the rules need (one per distinct decay of the rule
  // set): straight-line arithmetic LLVM vectorizes. The second pass dispatches on the
  // event type and applies the rules, reading the factors.
  static constexpr uint64_t kBlock = 256;

  void gen_update() {
    auto* fty = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_), {ptr_, ptr_, i64_, ptr_}, false);
    auto* fn = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, kUpdateName, m_.get());
    for (unsigned i : {0u, 1u, 3u}) fn->addParamAttr(i, llvm::Attribute::NoAlias);
    Value* batch = fn->getArg(0);
    Value* rows = fn->getArg(1);
    Value* n = fn->getArg(2);
    Env env = begin_function(fn, fn->getArg(3));
    env.batch = batch;
    BasicBlock* body = b_.GetInsertBlock();

    // Which event types take the branch-free path, and how many lanes (simple rules
    // per event) the scatter needs.
    std::vector<bool> simple(p_.schema.events.size()), outlined(p_.schema.events.size());
    size_t lanes = 0, simple_total = 0, inline_total = 0;
    bool any_complex = false;
    for (size_t ev = 0; ev < simple.size(); ++ev) {
      size_t c = type_cost(ev);
      simple[ev] = simple_type(ev) && simple_total + c <= kSimpleBudget;
      if (simple[ev]) {
        simple_total += c;
        lanes = std::max(lanes, p_.rules_by_event[ev].size());
      } else if (!p_.aggs_by_event[ev].empty() || !p_.rules_by_event[ev].empty()) {
        any_complex = true;
        outlined[ev] = c > kChunkCost || inline_total + c > kInlineBudget;
        if (!outlined[ev]) inline_total += c;
      }
    }

    // The decays that rules use; complex rules read them from a scratch array.
    decay_slots_.clear();
    for (const auto& r : p_.rules) {
      const ir::Score& sc = p_.scores[r.score];
      if (!ir::decay_info(sc.decay).decays) continue;
      decay_slots_[std::make_pair(static_cast<int>(sc.decay), sc.decay_param)] = nullptr;
    }

    Value *users, *types, *tss, *counters, *used, *future, *nulls, *dummy, *decay_area;
    std::vector<Value*> lane_c(lanes), lane_slot(lanes);
    std::map<int, Value*> rule_nulls;  // simple rule id -> local counter
    {
      llvm::IRBuilderBase::InsertPointGuard guard(b_);
      b_.SetInsertPoint(env.entry->getTerminator());
      users = field(batch, batch_ty_, 0, ptr_);
      types = field(batch, batch_ty_, 1, ptr_);
      tss = field(batch, batch_ty_, 2, ptr_);
      counters = field(env.run, run_ty_, 6, ptr_);
      null_by_rule_ = field(env.run, run_ty_, 7, ptr_);
      // Counters live in registers during the loop and are added to the run's at the end.
      used = b_.CreateAlloca(i64_);
      future = b_.CreateAlloca(i64_);
      nulls = b_.CreateAlloca(i64_);
      for (Value* c : {used, future, nulls}) b_.CreateStore(i64c(0), c);
      // One area, kBlock factors per decay, so outlined rules get it as one pointer.
      decay_area = b_.CreateAlloca(llvm::ArrayType::get(f64_, kBlock * std::max<size_t>(1, decay_slots_.size())));
      size_t d = 0;
      for (auto& [key, buf] : decay_slots_) buf = b_.CreateConstInBoundsGEP1_64(f64_, decay_area, kBlock * d++);
      dummy = b_.CreateAlloca(f64_);
      for (size_t l = 0; l < lanes; ++l) {
        lane_c[l] = b_.CreateAlloca(llvm::ArrayType::get(f64_, kBlock));
        lane_slot[l] = b_.CreateAlloca(llvm::ArrayType::get(i64_, kBlock));
      }
      for (size_t ev = 0; ev < simple.size(); ++ev)
        if (simple[ev])
          for (int ri : p_.rules_by_event[ev]) {
            rule_nulls[p_.rules[ri].id] = b_.CreateAlloca(i64_);
            b_.CreateStore(i64c(0), rule_nulls[p_.rules[ri].id]);
          }
    }
    nulls_ = nulls;
    std::vector<std::vector<llvm::Function*>> chunks(simple.size());
    for (size_t ev = 0; ev < simple.size(); ++ev)
      if (outlined[ev]) chunks[ev] = gen_chunks(ev);

    // The loop is generated twice: for a `rows` array (events out of time order), and
    // for rows == null, when the batch is already in time order and row i is event i,
    // so loads are contiguous instead of gathers.
    BasicBlock* exit = BasicBlock::Create(ctx_, "exit", fn);
    BasicBlock* with_rows = BasicBlock::Create(ctx_, "with_rows", fn);
    BasicBlock* in_order = BasicBlock::Create(ctx_, "in_order", fn);
    b_.SetInsertPoint(body);
    b_.CreateCondBr(b_.CreateIsNull(rows), in_order, with_rows);
    for (bool indirect : {true, false}) {
      BasicBlock* loop_entry = indirect ? with_rows : in_order;
      auto row_of = [&](Value* i) -> Value* {
        return indirect ? b_.CreateZExt(b_.CreateLoad(i32_, b_.CreateInBoundsGEP(i32_, rows, i)), i64_) : i;
      };
      BasicBlock* outer = BasicBlock::Create(ctx_, "block", fn);
      b_.SetInsertPoint(loop_entry);
      b_.CreateBr(outer);

      // for (start = 0; start < n; start += kBlock)
      b_.SetInsertPoint(outer);
      llvm::PHINode* start = b_.CreatePHI(i64_, 2, "start");
      start->addIncoming(i64c(0), loop_entry);
      BasicBlock* block_body = BasicBlock::Create(ctx_, "block.body", fn);
      b_.CreateCondBr(b_.CreateICmpULT(start, n), block_body, exit);
      b_.SetInsertPoint(block_body);
      Value* remaining = b_.CreateSub(n, start);
      Value* m = b_.CreateSelect(b_.CreateICmpULT(remaining, i64c(kBlock)), remaining, i64c(kBlock));

      // Pass 1, straight-line for every event of the block: counts, decay factors, and
      // the contributions and target slots of the simple rules.
      BasicBlock* pre = b_.GetInsertBlock();
      BasicBlock* f_loop = BasicBlock::Create(ctx_, "pass1", fn);
      BasicBlock* f_done = BasicBlock::Create(ctx_, "pass1.done", fn);
      b_.CreateCondBr(b_.CreateICmpUGT(m, i64c(0)), f_loop, f_done);
      b_.SetInsertPoint(f_loop);
      {
        llvm::PHINode* j = b_.CreatePHI(i64_, 2, "j");
        j->addIncoming(i64c(0), pre);
        Value* row = row_of(b_.CreateAdd(start, j));
        Value* type = b_.CreateLoad(i16_, b_.CreateInBoundsGEP(i16_, types, row));
        Value* ts = b_.CreateLoad(f64_, b_.CreateInBoundsGEP(f64_, tss, row));
        Value* known = b_.CreateICmpNE(type, llvm::ConstantInt::get(i16_, runtime::kUnknownEvent));
        Value* is_future = b_.CreateAnd(known, b_.CreateFCmpOGT(ts, env.as_of));
        Value* current = b_.CreateAnd(known, b_.CreateNot(is_future));
        add_to(future, b_.CreateZExt(is_future, i64_));
        add_to(used, b_.CreateZExt(current, i64_));
        Value* age = b_.CreateFSub(env.as_of, ts);
        std::map<std::pair<int, double>, Value*> factors;
        for (auto& [key, buf] : decay_slots_) {
          Value* f = decay(static_cast<ir::DecayKind>(key.first), key.second, age);
          factors[key] = f;
          if (any_complex) b_.CreateStore(f, b_.CreateInBoundsGEP(f64_, buf, j));
        }
        if (lanes > 0) {
          env.row = row;
          env.user = b_.CreateZExt(b_.CreateLoad(i32_, b_.CreateInBoundsGEP(i32_, users, row)), i64_);
          // slot -1: no simple rule applies in this lane; the scatter then writes a dummy.
          std::vector<Value*> c(lanes, f64c(0)), slot(lanes, llvm::ConstantInt::getSigned(i64_, -1));
          for (size_t ev = 0; ev < simple.size(); ++ev) {
            if (!simple[ev]) continue;
            Value* is_type = b_.CreateAnd(current, b_.CreateICmpEQ(type, llvm::ConstantInt::get(i16_, ev)));
            const auto& rs = p_.rules_by_event[ev];
            for (size_t l = 0; l < rs.size(); ++l) {
              const ir::EventRule& r = p_.rules[rs[l]];
              const ir::Score& sc = p_.scores[r.score];
              Value* applies = is_type;
              if (sc.window > 0) applies = b_.CreateAnd(applies, b_.CreateFCmpOGT(ts, window_start(env, sc.window)));
              if (r.has_cond) {
                Val cv = expr(r.cond, env);
                applies = b_.CreateAnd(applies, b_.CreateAnd(cv.ok, b_.CreateFCmpUNE(cv.v, f64c(0))));
              }
              Val w = expr(r.weight, env);
              add_to(rule_nulls[r.id], b_.CreateZExt(b_.CreateAnd(applies, b_.CreateNot(w.ok)), i64_));
              Value* factor = !ir::decay_info(sc.decay).decays
                                  ? f64c(1)
                                  : factors.at(std::make_pair(static_cast<int>(sc.decay), sc.decay_param));
              Value* contribution = b_.CreateFMul(w.v, factor);  // as the interpreter: accepted * decay
              Value* take = b_.CreateAnd(applies, w.ok);
              c[l] = b_.CreateSelect(take, contribution, c[l]);
              slot[l] = b_.CreateSelect(take, i64c(static_cast<uint64_t>(sc.raw_slot)), slot[l]);
            }
          }
          for (size_t l = 0; l < lanes; ++l) {
            b_.CreateStore(c[l], b_.CreateInBoundsGEP(f64_, lane_c[l], j));
            b_.CreateStore(slot[l], b_.CreateInBoundsGEP(i64_, lane_slot[l], j));
          }
        }
        Value* j_next = b_.CreateAdd(j, i64c(1));
        j->addIncoming(j_next, b_.GetInsertBlock());
        b_.CreateCondBr(b_.CreateICmpULT(j_next, m), f_loop, f_done);
      }
      b_.SetInsertPoint(f_done);

      // Pass 2: add the simple contributions (a contribution of 0 to slot 0 where no
      // simple rule applied), then the scalar dispatch for the other event types.
      BasicBlock* loop = BasicBlock::Create(ctx_, "pass2", fn);
      BasicBlock* next = BasicBlock::Create(ctx_, "next", fn);
      BasicBlock* block_done = BasicBlock::Create(ctx_, "block.done", fn);
      b_.CreateBr(loop);
      b_.SetInsertPoint(loop);
      llvm::PHINode* j = b_.CreatePHI(i64_, 2, "k");
      j->addIncoming(i64c(0), f_done);
      block_index_ = j;
      BasicBlock* row_block = BasicBlock::Create(ctx_, "row", fn);
      b_.CreateCondBr(b_.CreateICmpULT(j, m), row_block, block_done);

      b_.SetInsertPoint(row_block);
      Value* row = row_of(b_.CreateAdd(start, j));
      env.row = row;
      Value* user = b_.CreateZExt(b_.CreateLoad(i32_, b_.CreateInBoundsGEP(i32_, users, row)), i64_);
      env.user = user;
      env.state_row = user_state(env, user);
      // Events no simple rule applies to (other types, unknown, future) add to a dummy
      // instead of their user's row: no branch, and no cache miss on that row.
      for (size_t l = 0; l < lanes; ++l) {
        Value* c = b_.CreateLoad(f64_, b_.CreateInBoundsGEP(f64_, lane_c[l], j));
        Value* slot = b_.CreateLoad(i64_, b_.CreateInBoundsGEP(i64_, lane_slot[l], j));
        Value* ptr =
            b_.CreateSelect(b_.CreateICmpSLT(slot, i64c(0)), dummy, b_.CreateInBoundsGEP(f64_, env.state_row, slot));
        b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(f64_, ptr), c), ptr);
      }
      if (any_complex) {
        Value* type = b_.CreateLoad(i16_, b_.CreateInBoundsGEP(i16_, types, row));
        Value* ts = b_.CreateLoad(f64_, b_.CreateInBoundsGEP(f64_, tss, row));
        BasicBlock* current = BasicBlock::Create(ctx_, "current", fn);
        // Unknown types (0xFFFF) fall to the switch's default; future events stop here.
        b_.CreateCondBr(b_.CreateFCmpOGT(ts, env.as_of), next, current);
        b_.SetInsertPoint(current);
        auto* sw = b_.CreateSwitch(type, next);
        for (size_t ev = 0; ev < p_.schema.events.size(); ++ev) {
          if (simple[ev] || (p_.aggs_by_event[ev].empty() && p_.rules_by_event[ev].empty())) continue;
          BasicBlock* blk = BasicBlock::Create(ctx_, "on." + p_.schema.events[ev].name, fn);
          sw->addCase(llvm::ConstantInt::get(llvm::cast<llvm::IntegerType>(i16_), ev), blk);
          b_.SetInsertPoint(blk);
          if (outlined[ev]) {
            for (llvm::Function* f : chunks[ev]) b_.CreateCall(f, {batch, env.run, row, user, ts, decay_area, j});
          } else {
            for (int ai : p_.aggs_by_event[ev]) gen_agg(p_.aggs[ai], ts, env);
            for (int ri : p_.rules_by_event[ev]) gen_rule(p_.rules[ri], ts, env);
          }
          b_.CreateBr(next);
        }
      } else {
        b_.CreateBr(next);
      }

      b_.SetInsertPoint(next);
      Value* j_next = b_.CreateAdd(j, i64c(1));
      j->addIncoming(j_next, next);
      b_.CreateBr(loop);

      b_.SetInsertPoint(block_done);
      Value* start_next = b_.CreateAdd(start, i64c(kBlock));
      start->addIncoming(start_next, block_done);
      b_.CreateBr(outer);
    }

    b_.SetInsertPoint(exit);
    // The simple rules' null weights count like the others: in total and by rule.
    for (auto& [id, local] : rule_nulls) {
      Value* count = b_.CreateLoad(i64_, local);
      add_to(nulls, count);
      Value* slot = b_.CreateConstInBoundsGEP1_64(i64_, null_by_rule_, static_cast<uint64_t>(id));
      b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64_, slot), count), slot);
    }
    Value* idx[] = {used, future, nulls};
    for (unsigned k = 0; k < 3; ++k) {
      Value* slot = b_.CreateConstInBoundsGEP1_64(i64_, counters, k);
      b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64_, slot), b_.CreateLoad(i64_, idx[k])), slot);
    }
    b_.CreateRetVoid();
  }

  // The aggregates and rules of event type `ev`, in order, in functions of about
  // kChunkCost each: void(batch, run, row, user, ts, decay_area, index in block).
  std::vector<llvm::Function*> gen_chunks(size_t ev) {
    struct Item {
      int agg = -1, rule = -1;
    };
    std::vector<std::vector<Item>> groups(1);
    size_t used = 0;
    auto add = [&](Item it, size_t c) {
      if (used > 0 && used + c > kChunkCost) {
        groups.emplace_back();
        used = 0;
      }
      groups.back().push_back(it);
      used += c;
    };
    for (int ai : p_.aggs_by_event[ev]) add({ai, -1}, 4);
    for (int ri : p_.rules_by_event[ev]) add({-1, ri}, rule_cost(p_.rules[ri]));

    llvm::IRBuilderBase::InsertPointGuard guard(b_);
    auto saved_decays = decay_slots_;
    Value *saved_nulls = nulls_, *saved_by_rule = null_by_rule_, *saved_index = block_index_;
    auto* fty = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_), {ptr_, ptr_, i64_, i64_, f64_, ptr_, i64_}, false);
    std::vector<llvm::Function*> out;
    for (size_t g = 0; g < groups.size(); ++g) {
      auto* fn = llvm::Function::Create(fty, llvm::Function::InternalLinkage,
                                        fmt_name("scorec_on", ev, g), m_.get());
      fn->addFnAttr(llvm::Attribute::NoInline);
      fn->addFnAttr(llvm::Attribute::NoUnwind);
      size_t group_cost = 0;
      for (const Item& it : groups[g]) group_cost += it.agg >= 0 ? 4 : rule_cost(p_.rules[it.rule]);
      limit_optimization(fn, group_cost);
      Env env = begin_function(fn, fn->getArg(1));
      env.batch = fn->getArg(0);
      env.row = fn->getArg(2);
      env.user = fn->getArg(3);
      env.state_row = user_state(env, env.user);
      Value* ts = fn->getArg(4);
      {
        llvm::IRBuilderBase::InsertPointGuard entry(b_);
        b_.SetInsertPoint(env.entry->getTerminator());
        nulls_ = b_.CreateConstInBoundsGEP1_64(i64_, field(env.run, run_ty_, 6, ptr_), 2);
        null_by_rule_ = field(env.run, run_ty_, 7, ptr_);
        size_t d = 0;
        for (auto& [key, buf] : decay_slots_) buf = b_.CreateConstInBoundsGEP1_64(f64_, fn->getArg(5), kBlock * d++);
      }
      block_index_ = fn->getArg(6);
      for (const Item& it : groups[g]) {
        if (it.agg >= 0) gen_agg(p_.aggs[it.agg], ts, env);
        else gen_rule(p_.rules[it.rule], ts, env);
      }
      b_.CreateRetVoid();
      out.push_back(fn);
    }
    split_blocks_ = false;
    decay_slots_ = saved_decays;
    nulls_ = saved_nulls;
    null_by_rule_ = saved_by_rule;
    block_index_ = saved_index;
    return out;
  }

  static std::string fmt_name(const char* what, size_t a, size_t b) {
    return std::string(what) + "_" + std::to_string(a) + "_" + std::to_string(b);
  }

  void add_to(Value* counter, Value* amount) {
    b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64_, counter), amount), counter);
  }

  // Continues in a new block when `cond` holds, else jumps to `skip`.
  void guard(Value* cond, BasicBlock* skip, const char* name) {
    BasicBlock* cont = BasicBlock::Create(ctx_, name, b_.GetInsertBlock()->getParent());
    b_.CreateCondBr(cond, cont, skip);
    b_.SetInsertPoint(cont);
  }

  Value* window_start(Env& env, double window) {
    return in_entry(env, [&] { return b_.CreateFSub(env.as_of, f64c(window)); });
  }

  void gen_agg(const ir::AggUpdate& a, Value* ts, Env& env) {
    BasicBlock* done = BasicBlock::Create(ctx_, "agg.done", env.fn);
    if (a.window > 0) guard(b_.CreateFCmpOGT(ts, window_start(env, a.window)), done, "agg.in");
    Value* v = ts;
    if (a.column >= 0) {
      Val col = expr(ir::Builder::leaf(Op::EventProp, ir::Type::Number, a.column), env);
      guard(col.ok, done, "agg.val");
      v = col.v;
    }
    Value* slot = slot_ptr(env, a.slot);
    Value* s = b_.CreateLoad(f64_, slot);
    Value* r = nullptr;
    switch (a.kind) {
      case ir::UpdateKind::Count:
        r = b_.CreateFAdd(s, f64c(1));
        break;
      case ir::UpdateKind::Sum:
        r = b_.CreateFAdd(s, v);
        break;
      case ir::UpdateKind::Min:
        r = b_.CreateSelect(b_.CreateFCmpOLT(v, s), v, s);
        break;  // std::min(s, v)
      case ir::UpdateKind::Max:
        r = b_.CreateSelect(b_.CreateFCmpOLT(s, v), v, s);
        break;  // std::max(s, v)
    }
    b_.CreateStore(r, slot);
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
  }

  // Resets a bucket's counter when the event falls in a new bucket.
  void enter_bucket(Env& env, Value* ts, double period, int bucket_slot, int counter_slot) {
    Value* bucket =
        period > 0 ? b_.CreateUnaryIntrinsic(llvm::Intrinsic::floor, b_.CreateFDiv(ts, f64c(period))) : f64c(0);
    Value* bp = slot_ptr(env, bucket_slot);
    Value* same = b_.CreateFCmpOEQ(b_.CreateLoad(f64_, bp), bucket);
    Value* cp = slot_ptr(env, counter_slot);
    b_.CreateStore(b_.CreateSelect(same, b_.CreateLoad(f64_, cp), f64c(0)), cp);
    b_.CreateStore(bucket, bp);
  }

  void gen_rule(const ir::EventRule& r, Value* ts, Env& env) {
    const ir::Score& score = p_.scores[r.score];
    BasicBlock* done = BasicBlock::Create(ctx_, "rule.done", env.fn);
    if (score.window > 0) guard(b_.CreateFCmpOGT(ts, window_start(env, score.window)), done, "rule.in");
    if (r.has_cond) {
      Val c = expr(r.cond, env);
      guard(b_.CreateAnd(c.ok, b_.CreateFCmpUNE(c.v, f64c(0))), done, "rule.when");
    }
    Val w = expr(r.weight, env);
    BasicBlock* null_w = BasicBlock::Create(ctx_, "rule.null", env.fn);
    BasicBlock* ok = BasicBlock::Create(ctx_, "rule.weight", env.fn);
    b_.CreateCondBr(w.ok, ok, null_w);
    b_.SetInsertPoint(null_w);
    bump(nulls_, i64_);
    bump(b_.CreateConstInBoundsGEP1_64(i64_, null_by_rule_, static_cast<uint64_t>(r.id)), i64_);
    b_.CreateBr(done);
    b_.SetInsertPoint(ok);

    if (r.limit > 0) {
      enter_bucket(env, ts, r.limit_period, r.limit_bucket_slot, r.limit_count_slot);
      Value* cp = slot_ptr(env, r.limit_count_slot);
      Value* count = b_.CreateLoad(f64_, cp);
      guard(b_.CreateFCmpOLT(count, f64c(static_cast<double>(r.limit))), done, "rule.limit");
      b_.CreateStore(b_.CreateFAdd(count, f64c(1)), cp);
    }
    Value* accepted = w.v;
    if (r.cap > 0) {
      // ir::cap_accept
      enter_bucket(env, ts, r.cap_period, r.cap_bucket_slot, r.cap_used_slot);
      Value* up = slot_ptr(env, r.cap_used_slot);
      Value* used = b_.CreateLoad(f64_, up);
      Value* room = b_.CreateFSub(f64c(r.cap), used);
      Value* full = b_.CreateFCmpOLE(room, f64c(0));
      Value* mag_w = b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, w.v);
      Value* mag = b_.CreateSelect(b_.CreateFCmpOLT(room, mag_w), room, mag_w);  // std::min(|w|, room)
      b_.CreateStore(b_.CreateSelect(full, used, b_.CreateFAdd(used, mag)), up);
      accepted = b_.CreateSelect(full, f64c(0), b_.CreateBinaryIntrinsic(llvm::Intrinsic::copysign, mag, w.v));
    }
    Value* contribution = accepted;
    if (ir::decay_info(score.decay).decays) {
      Value* buf = decay_slots_.at(std::make_pair(static_cast<int>(score.decay), score.decay_param));
      Value* factor = b_.CreateLoad(f64_, b_.CreateInBoundsGEP(f64_, buf, block_index_));
      contribution = b_.CreateFMul(accepted, factor);
    } else {
      contribution = b_.CreateFMul(accepted, f64c(1));  // as the interpreter: x * 1.0
    }
    Value* raw = slot_ptr(env, score.raw_slot);
    b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(f64_, raw), contribution), raw);
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
  }

  // The sum of `terms`, in order. Past kChunkCost the terms go to functions of their
  // own, each continuing the running sum, so the additions happen in the same order.
  void gen_terms(const std::string& name, const std::vector<ir::UserTerm>& terms) {
    auto* fty = llvm::FunctionType::get(f64_, {i32_, ptr_}, false);
    auto* fn = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, name, m_.get());
    std::vector<std::pair<size_t, size_t>> groups{{0, 0}};
    std::vector<size_t> group_cost{0};
    for (size_t i = 0; i < terms.size(); ++i) {
      size_t c = 4 + cost(terms[i].cond) + cost(terms[i].weight);
      if (group_cost.back() > 0 && group_cost.back() + c > kChunkCost) {
        groups.push_back({i, i});
        group_cost.push_back(0);
      }
      groups.back().second = i + 1;
      group_cost.back() += c;
    }
    if (groups.size() == 1) {
      limit_optimization(fn, group_cost[0]);
      gen_terms_body(fn, terms, 0, terms.size(), f64c(0));
      return;
    }
    auto* chunk_ty = llvm::FunctionType::get(f64_, {i32_, ptr_, f64_}, false);
    std::vector<llvm::Function*> chunks;
    for (size_t g = 0; g < groups.size(); ++g) {
      auto* c = llvm::Function::Create(chunk_ty, llvm::Function::InternalLinkage, name + "_" + std::to_string(g), m_.get());
      c->addFnAttr(llvm::Attribute::NoInline);
      c->addFnAttr(llvm::Attribute::NoUnwind);
      limit_optimization(c, group_cost[g]);
      gen_terms_body(c, terms, groups[g].first, groups[g].second, c->getArg(2));
      chunks.push_back(c);
    }
    BasicBlock* entry = BasicBlock::Create(ctx_, "entry", fn);
    b_.SetInsertPoint(entry);
    Value* sum = f64c(0);
    for (llvm::Function* c : chunks) sum = b_.CreateCall(c, {fn->getArg(0), fn->getArg(1), sum});
    b_.CreateRet(sum);
  }

  void gen_terms_body(llvm::Function* fn, const std::vector<ir::UserTerm>& terms, size_t from, size_t to,
                      Value* initial) {
    Env env = begin_function(fn, fn->getArg(1));
    Value* sum_ptr;
    {
      llvm::IRBuilderBase::InsertPointGuard g(b_);
      b_.SetInsertPoint(env.entry->getTerminator());
      sum_ptr = b_.CreateAlloca(f64_);
      b_.CreateStore(initial, sum_ptr);
      nulls_ = b_.CreateConstInBoundsGEP1_64(i64_, field(env.run, run_ty_, 6, ptr_), 2);
    }
    env.user = b_.CreateZExt(fn->getArg(0), i64_);
    env.state_row = p_.slots.empty() ? nullptr : user_state(env, env.user);
    for (size_t i = from; i < to; ++i) {
      const auto& t = terms[i];
      BasicBlock* done = BasicBlock::Create(ctx_, "term.done", fn);
      Val c = expr(t.cond, env);
      guard(b_.CreateAnd(c.ok, b_.CreateFCmpUNE(c.v, f64c(0))), done, "term.when");
      Val w = expr(t.weight, env);
      BasicBlock* ok = BasicBlock::Create(ctx_, "term.weight", fn);
      BasicBlock* null_w = BasicBlock::Create(ctx_, "term.null", fn);
      b_.CreateCondBr(w.ok, ok, null_w);
      b_.SetInsertPoint(null_w);
      bump(nulls_, i64_);
      b_.CreateBr(done);
      b_.SetInsertPoint(ok);
      b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(f64_, sum_ptr), w.v), sum_ptr);
      b_.CreateBr(done);
      b_.SetInsertPoint(done);
    }
    b_.CreateRet(b_.CreateLoad(f64_, sum_ptr));
  }

  void gen_segment(size_t k) {
    auto* fty = llvm::FunctionType::get(i8_, {i32_, ptr_, ptr_}, false);
    auto* fn = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, segment_name(k), m_.get());
    limit_optimization(fn, cost(p_.segments[k].cond));
    Env env = begin_function(fn, fn->getArg(2));
    env.outputs = fn->getArg(1);
    env.user = b_.CreateZExt(fn->getArg(0), i64_);
    env.state_row = p_.slots.empty() ? nullptr : user_state(env, env.user);
    Val c = expr(p_.segments[k].cond, env);
    b_.CreateRet(b_.CreateZExt(b_.CreateAnd(c.ok, b_.CreateFCmpUNE(c.v, f64c(0))), i8_));
  }

  const ir::Program& p_;
  llvm::LLVMContext& ctx_;
  std::unique_ptr<llvm::Module> m_;
  llvm::IRBuilder<> b_;
  llvm::Type *f64_, *i1_, *i8_, *i16_, *i32_, *i64_;
  llvm::PointerType* ptr_;
  llvm::StructType *batch_ty_, *run_ty_, *out_ty_;
  Value* nulls_ = nullptr;
  Value* null_by_rule_ = nullptr;
  std::map<std::pair<int, double>, Value*> decay_slots_;  // (kind, param) -> [kBlock x double]
  Value* block_index_ = nullptr;                          // the event's index in its block
  bool split_blocks_ = false;                             // limit_optimization
  size_t nodes_in_block_ = 0;
};

}  // namespace

std::string score_terms_name(size_t score) { return "scorec_score_terms_" + std::to_string(score); }
std::string grade_points_name(size_t grade) { return "scorec_grade_points_" + std::to_string(grade); }
std::string segment_name(size_t segment) { return "scorec_segment_" + std::to_string(segment); }

std::unique_ptr<llvm::Module> generate_module(const ir::Program& program, llvm::LLVMContext& ctx) {
  return CodeGen(program, ctx).run();
}

}  // namespace scorec::jit
