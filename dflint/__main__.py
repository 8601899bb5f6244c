from dflint.cli import main

main(prog_name="dflint")
