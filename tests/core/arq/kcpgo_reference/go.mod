module kcpgoreference

go 1.19
