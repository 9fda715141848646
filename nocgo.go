//go:build !cgo

package jitffi

const cgoLinked = false
