package main

// errorCodeLine is what step 5's line must contain: GetFileAttributesW's failure and the
// last-error value.
var errorCodeLine = []string{"GetFileAttributesW(", " = 0xffffffff, ", "last error = ERROR_FILE_NOT_FOUND ("}
