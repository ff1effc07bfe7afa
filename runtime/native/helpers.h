// Functions compiled rules call back into: builtins that are not inlined, and list
// membership. Plain C signatures: the JIT defines their addresses as symbols, and an
// ahead-of-time object leaves them undefined for the linker to find in the runtime library
// (libscorec_rt.so or libscorec.so, which keep all of them: api/CMakeLists.txt).
#pragma once

#include <cstdint>

extern "C" {
double scorec_rt_call_builtin(uint32_t id, const double* args, int32_t n, void* strings);
double scorec_rt_list_contains(void* strings, double list_id, double string_id);
}
