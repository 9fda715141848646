module github.com/jitffi/jitffi/examples/withpurego

go 1.25.0

require (
	github.com/ebitengine/purego v0.11.3
	github.com/jitffi/jitffi v0.0.0
)

require (
	github.com/twitchyliquid64/golang-asm v0.15.1 // indirect
	golang.org/x/arch v0.24.0 // indirect
	golang.org/x/sys v0.41.0 // indirect
)

replace github.com/jitffi/jitffi => ../..
