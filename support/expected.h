// Errors as values at library boundaries (include/scorec/result.hpp, shared with the
// public API).
#pragma once

#include "scorec/result.hpp"
