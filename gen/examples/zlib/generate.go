package zlib

//go:generate go run ../../cmd/jitffi-gen -package zlib -lib linux:libz.so.1,libz.so -lib windows:zlib1.dll zlib.h zconf.h
