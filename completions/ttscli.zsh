#compdef ttscli

_ttscli_completion() {
  eval $(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" _TTSCLI_COMPLETE=complete_zsh ttscli)
}

compdef _ttscli_completion ttscli
