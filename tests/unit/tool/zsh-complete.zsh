# zsh-complete.zsh DIR LINE [SETUP] - run SETUP, then type LINE and TAB into an interactive `zsh -f`
# on a pseudo-terminal, with DIR first in fpath and compinit loaded, and
# print the matches the completion offered, one a line (unsorted, may
# repeat). Every compadd is wrapped to record its matches; a
# comppostfuncs hook prints them between markers that the echoed input
# cannot contain ("42X" is only made by the arithmetic expansion).
zmodload zsh/zpty || exit 1
dir=$1
line=$2
setup=${3:-}
zpty z zsh -f -i
zpty -w z "PS1='' PS2='' RPS1=''; fpath=(${(q)dir} \$fpath)"
zpty -w z 'autoload -Uz compinit; compinit -u -D; unsetopt autolist'
zpty -w z 'typeset -ga got; compadd() { local -a m; builtin compadd -O m "$@"; got+=($m); builtin compadd "$@"; }'
zpty -w z 'show() { print -r -- "$((6*7))X${(pj:\t:)got}X$((6*7))"; got=(); }; comppostfuncs=(show)'
[[ -n $setup ]] && zpty -w z "$setup"
zpty -n -w z "$line"$'\t'
zpty -r z out '*42X*X42*'
zpty -d z
out=${out##*42X}
out=${out%%X42*}
print -rl -- ${(ps:\t:)out}
