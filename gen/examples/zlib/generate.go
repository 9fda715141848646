package zlib

//go:generate go run ../../cmd/jitffi-gen -targets linux/amd64,linux/arm64,windows/amd64 -idirafter /usr/include -package zlib -lib linux:libz.so.1,libz.so -lib windows:zlib1.dll zlib.h zconf.h
